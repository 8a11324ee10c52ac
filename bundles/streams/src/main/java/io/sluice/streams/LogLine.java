package io.sluice.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One raw log line as Sluice reads it: the line verbatim, and what its header says.
 *
 * @param message the line, verbatim
 * @param timestamp when the header says it was written, or {@code null} if the header has no time Sluice recognises
 * @param format the layout of the header, for example {@code {ts:yyyy-MM-dd HH:mm:ss,SSS} {level} [] {logger}:}: lines of
 *     one origin share it, so it tells sources apart where no field does; {@code {none}} for a line without a header
 * @param fields header fields by their ECS names ({@code log.level}, {@code host.name}, {@code process.name},
 *     {@code process.pid}, {@code log.logger}, {@code log.file.path}, ...)
 * @param contentStart where the free text after the header begins, an index into {@code message}
 */
public record LogLine(String message, Instant timestamp, String format, Map<String, Object> fields, int contentStart) {

    /** The format of a line with no header Sluice recognises. */
    public static final String NO_HEADER = "{none}";

    /** Copies the fields. */
    public LogLine {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(format, "format");
        fields = Map.copyOf(fields);
        if (contentStart < 0 || contentStart > message.length()) {
            throw new IllegalArgumentException("content start " + contentStart + " is outside the line");
        }
    }

    /** The free text after the header. */
    public String content() {
        return message.substring(contentStart);
    }

    /** Whether the line has a header Sluice recognises. */
    public boolean hasHeader() {
        return !NO_HEADER.equals(format);
    }

    /** The {@link #layoutOf layout} of this line's header. */
    public String layout() {
        return layoutOf(format);
    }

    /**
     * The coarse layout of a header format: its slots up to its last timestamp, where only the timestamps' layouts
     * count and every other slot is a placeholder, {@code {token}} (a label, a file name, a node, a {@code NULL} where a
     * node would be). Lines written by one program share it even where their headers vary after the time; it is the
     * format itself when the format has no timestamp.
     */
    public static String layoutOf(String format) {
        List<String> slots = slots(format);
        int lastTs = -1;
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).startsWith("{ts")) {
                lastTs = i;
            }
        }
        if (lastTs < 0) {
            return format;
        }
        StringBuilder layout = new StringBuilder();
        for (int i = 0; i <= lastTs; i++) {
            layout.append(i == 0 ? "" : " ").append(slots.get(i).startsWith("{ts") ? slots.get(i) : "{token}");
        }
        return layout.toString();
    }

    /** A format's slots: split at spaces outside braces, so a timestamp slot keeps the spaces of its layout. */
    public static List<String> slots(String format) {
        List<String> slots = new ArrayList<>();
        int depth = 0;
        StringBuilder slot = new StringBuilder();
        for (char c : format.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ' ' && depth == 0) {
                if (slot.length() > 0) {
                    slots.add(slot.toString());
                    slot.setLength(0);
                }
            } else {
                slot.append(c);
            }
        }
        if (slot.length() > 0) {
            slots.add(slot.toString());
        }
        return slots;
    }
}
