package io.sluice.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** An HTTP/1.1 answer read off a raw socket, as a {@link HttpResponse}, so raw and client requests are judged alike. */
record RawResponse(int statusCode, HttpHeaders headers, String body) implements HttpResponse<String> {

    static RawResponse parse(String answer) {
        int headEnd = answer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new AssertionError("not an HTTP answer: " + answer);
        }
        String[] lines = answer.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                .add(lines[i].substring(colon + 1).trim());
        }
        String body = answer.substring(headEnd + 4);
        boolean chunked = headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding")
            && e.getValue().stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked")));
        if (chunked) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (at < body.length()) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new RawResponse(status, HttpHeaders.of(headers, (a, b) -> true), body);
    }

    @Override
    public HttpRequest request() {
        return HttpRequest.newBuilder(URI.create("http://raw/")).build();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return URI.create("http://raw/");
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
