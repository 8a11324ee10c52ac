package io.sluice.rest.internal;

import io.sluice.auth.Caller;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.Priority;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.UriBuilder;

/**
 * Runs before any route is chosen. Refuses paths whose meaning depends on who decodes them, and query strings that do
 * not decode; takes the space out of {@code /s/{space}/...} URLs, as Kibana does, so that every route answers both with
 * and without it.
 *
 * <p>Refused as ambiguous: encoded separators and dots ({@code %2f}, {@code %5c}, {@code %2e}), path parameters
 * ({@code ;}), empty or dot segments ({@code //}, {@code /./}, {@code /../}) and control characters. A proxy and Sluice
 * could route such a path differently; no Sluice route needs one.
 */
@PreMatching
@Priority(100)
final class RequestPaths implements ContainerRequestFilter {

    /** The request property holding the space the URL names. */
    static final String SPACE = "io.sluice.space";

    /** Kibana's space ids: lower-case letters, digits, {@code _} and {@code -}. */
    private static final Pattern SPACE_ID = Pattern.compile("[a-z0-9_-]{1,100}");
    private static final Pattern SPACE_PREFIX = Pattern.compile("^/s/([^/]*)(/.*)?$");
    private static final Pattern AMBIGUOUS = Pattern.compile(
        "(?i)%2f|%5c|%2e|%00|;|\\\\|//|/\\./|/\\.\\./|/\\.{1,2}$|[\\x00-\\x1f\\x7f]");

    @Context
    private HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        String rawPath = servletRequest.getRequestURI();
        if (rawPath == null || AMBIGUOUS.matcher(rawPath).find()) {
            throw new BadRequestException("ambiguous path '" + printable(rawPath) + "': encoded separators or dots, "
                + "path parameters and empty or dot segments are refused");
        }
        String rawQuery = servletRequest.getQueryString();
        if (rawQuery != null) {
            checkQuery(rawQuery);
        }
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        Matcher space = SPACE_PREFIX.matcher(path);
        String spaceId = Caller.DEFAULT_SPACE;
        if (space.matches()) {
            spaceId = space.group(1);
            if (!SPACE_ID.matcher(spaceId).matches()) {
                throw new BadRequestException("'" + printable(spaceId) + "' is not a space id: 1 to 100 of a-z 0-9 _ -");
            }
            String rest = space.group(2) == null ? "/" : space.group(2);
            URI base = request.getUriInfo().getBaseUri();
            request.setRequestUri(base, UriBuilder.fromUri(uri).replacePath(rest).build());
        }
        request.setProperty(SPACE, spaceId);
    }

    /** Every name and value must percent-decode to UTF-8; anything else is the client's mistake, not ours. */
    private static void checkQuery(String rawQuery) {
        for (String pair : rawQuery.split("&", -1)) {
            for (String part : pair.split("=", 2)) {
                decode(part);
            }
        }
    }

    private static void decode(String part) {
        ByteBuffer bytes = ByteBuffer.allocate(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
                        || Character.digit(part.charAt(i + 2), 16) < 0) {
                    throw new BadRequestException("the query string has a malformed percent escape: '" + printable(part) + "'");
                }
                bytes.put((byte) Integer.parseInt(part.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c > 0x7e || c < 0x20) {
                throw new BadRequestException("the query string has a character that must be percent-encoded");
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
        } catch (CharacterCodingException e) {
            throw new BadRequestException("the query string does not decode to UTF-8: '" + printable(part) + "'");
        }
    }

    /** A value safe to repeat in a message: short, and with control characters replaced. */
    static String printable(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return shown.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }
}
