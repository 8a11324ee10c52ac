package io.sluice.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stream name pattern as grants and key scopes write it: {@code *} matches any run of characters, everything else is
 * literal ({@code logs*} matches {@code logs} and {@code logs.ssh}).
 *
 * @param pattern the pattern as written
 */
public record StreamPattern(String pattern) {

    /** The pattern is required and not blank. */
    public StreamPattern {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("a stream pattern may not be blank");
        }
    }

    /** Whether the stream name matches. */
    public boolean matches(String stream) {
        return stream != null && regex().matcher(stream).matches();
    }

    /** Whether this pattern matches every stream ({@code *}). */
    public boolean matchesAll() {
        return pattern.chars().allMatch(c -> c == '*');
    }

    private Pattern regex() {
        StringBuilder regex = new StringBuilder();
        String[] literals = pattern.split("\\*", -1);
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            if (!literals[i].isEmpty()) {
                regex.append(Pattern.quote(literals[i]));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
