package io.sluice.streams;

import java.nio.charset.StandardCharsets;

/** OpenSearch's index-name rules, and Sluice's one more: no leading dot (those are system indices). */
final class StreamNames {

    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";

    private StreamNames() {
    }

    static void check(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid(name, "it is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw invalid(name, "it is longer than 255 bytes");
        }
        if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid(name, "it has upper-case letters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid(name, "it is . or ..");
        }
        char first = name.charAt(0);
        if (first == '.' || first == '-' || first == '_' || first == '+') {
            throw invalid(name, "it starts with '" + first + "'");
        }
        for (char c : name.toCharArray()) {
            if (FORBIDDEN.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw invalid(name, "it contains '" + (Character.isISOControl(c) ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c)) + "'");
            }
        }
    }

    private static StreamException invalid(String name, String why) {
        String shown = name == null ? "" : name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return new StreamException(400, "'" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not a stream name: " + why
            + " (lower case, no \\ / * ? \" < > | , # : or space, not starting with . - _ +, at most 255 bytes)");
    }
}
