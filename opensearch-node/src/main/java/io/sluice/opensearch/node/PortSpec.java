package io.sluice.opensearch.node;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a port setting: {@code 9200}, {@code 9200-9299} or {@code 0}. */
final class PortSpec {
    private static final Pattern SPEC = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

    private PortSpec() {
    }

    static String check(String what, String spec) {
        Matcher m = SPEC.matcher(spec == null ? "" : spec.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " port must be a number or a range like 9200-9299, got '" + spec + "'");
        }
        int low = Integer.parseInt(m.group(1));
        int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
        if (low > 65535 || high > 65535 || high < low || (low == 0 && high != 0)) {
            throw new IllegalArgumentException(what + " port range '" + spec + "' is not valid");
        }
        return spec.trim();
    }
}
