package io.sluice.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;

/**
 * Reads JSON request bodies strictly: {@code application/json} only, at most {@value #MAX_BYTES} bytes, valid UTF-8, one
 * JSON object, no duplicate keys. An oversized body of up to 8 MiB is read and dropped before the 413, so that clients
 * that send it all before reading see the answer; a larger one is refused unread.
 */
final class RequestBodies {

    /** The largest body taken: 1 MiB. */
    static final int MAX_BYTES = 1024 * 1024;
    /** Up to this much an oversized body is read and dropped before the 413, so that clients get the answer. */
    private static final long DRAIN_BYTES = 8L * 1024 * 1024;

    private final ObjectMapper mapper;

    RequestBodies(ObjectMapper mapper) {
        this.mapper = mapper.copy().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** The body as a JSON object, or {@code null} when there is none and {@code required} is false. */
    JsonNode object(HttpServletRequest request, boolean required) throws IOException {
        byte[] raw = read(request);
        if (raw.length == 0) {
            if (required) {
                throw new HttpError(400, "a JSON object body is required");
            }
            return null;
        }
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new HttpError(415, "the body must be application/json, got '" + request.getContentType() + "'");
        }
        if (type.contains("charset=") && !type.replace(" ", "").contains("charset=utf-8")) {
            throw new HttpError(415, "the body must be UTF-8");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the body is not valid UTF-8");
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new HttpError(400, "the body must be a JSON object");
        }
        return json;
    }

    private static byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > DRAIN_BYTES) {
            throw new HttpError(413, "the body is " + declared + " bytes; the limit is " + MAX_BYTES);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = request.getInputStream()) {
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total <= MAX_BYTES) {
                    out.write(buffer, 0, n);
                } else if (total > DRAIN_BYTES) {
                    break;
                }
            }
            if (total > MAX_BYTES) {
                throw new HttpError(413, "the body is larger than the limit of " + MAX_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }
}
