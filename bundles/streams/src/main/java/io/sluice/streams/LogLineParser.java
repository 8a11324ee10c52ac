package io.sluice.streams;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the header of a raw log line: when it was written, and the fields a header carries (level, host, program and
 * pid, logger, file), with the layout of the header as a whole ({@link LogLine#format()}).
 *
 * <p>There are no per-product rules here. A header is read as a sequence of tokens: the first timestamp Sluice
 * recognises among the common layouts (ISO-8601 and its log4j variants, syslog, {@code yyMMdd HHmmss},
 * {@code yy/MM/dd HH:mm:ss}, ctime as in {@code [Sun Dec 04 04:47:44 2005]}, logcat, epoch seconds and milliseconds,
 * and a few more), then the tokens around it that look like header fields: levels, numbers (pid, thread), bracketed
 * groups, dotted logger names, {@code program[pid]:} and {@code name:} tags, short upper-case tags, and the host after a
 * syslog timestamp. The free text starts at the first token that looks like none of these. A line without a
 * recognisable timestamp near its start has no header.
 *
 * <p>Thread-safe and without state beyond its settings.
 */
public final class LogLineParser {

    /** How many tokens from the start a timestamp may begin at. */
    private static final int TIMESTAMP_WITHIN = 6;
    /** How many header tokens are read after the timestamp at most. */
    private static final int HEADER_TOKENS = 10;

    private static final Set<String> LEVELS = Set.of("trace", "debug", "fine", "finer", "finest", "config", "info",
        "information", "notice", "warn", "warning", "error", "err", "severe", "fatal", "critical", "crit", "alert", "emerg",
        "emergency", "verbose");
    private static final Set<String> SHORT_LEVELS = Set.of("V", "D", "I", "W", "E", "F", "A");
    private static final String MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";

    private static final Pattern PROGRAM = Pattern.compile("(.+?)\\[(\\d+)\\]:?");
    private static final Pattern TAG = Pattern.compile("([^\\s:\\[\\]]{1,80}):");
    private static final Pattern DOTTED = Pattern.compile("[A-Za-z_$][\\w$-]*(\\.[A-Za-z_$][\\w$-]*)+");
    private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    private static final Pattern UPPER_TAG = Pattern.compile("[A-Z][A-Z0-9_]{1,11}");
    private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}[./-]\\d{2}[./-]\\d{2}");
    private static final Pattern IDENTIFIER = Pattern.compile("[\\w@/.:#-]*\\d[\\w@/.:#-]*|[\\w.#-]+[@/][\\w@/.:#-]+");
    private static final Pattern FILE = Pattern.compile("[\\w.-]*\\.log[\\w.:-]*|[\\w.-]+\\.(?:out|err|txt)");
    private static final Pattern BRACKET_LOGGER = Pattern.compile(":([A-Za-z_$][\\w$]*)@\\d+\\]$");

    /** One timestamp layout: its name, and how to read it. */
    private record Layout(String name, Pattern pattern, boolean syslog) {
    }

    private static final List<Layout> LAYOUTS = List.of(
        new Layout("EEE MMM dd HH:mm:ss yyyy", Pattern.compile("\\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?<mon>" + MONTHS
            + ") +(?<d>\\d{1,2}) (?<h>\\d{2}):(?<mi>\\d{2}):(?<s>\\d{2})(?:[.,](?<f>\\d{1,9}))? (?<y>\\d{4})\\]?"), false),
        new Layout("yyyy-MM-dd HH:mm:ss", Pattern.compile("\\[?(?<y>\\d{4})-(?<M>\\d{2})-(?<d>\\d{2})[T ](?<h>\\d{2}):(?<mi>\\d{2})"
            + ":(?<s>\\d{2})(?<sep>[.,])?(?<f>(?<=[.,])\\d{1,9})?(?<z>Z|[+-]\\d{2}:?\\d{2})?\\]?"), false),
        new Layout("yyyy-MM-dd-HH.mm.ss", Pattern.compile("(?<y>\\d{4})-(?<M>\\d{2})-(?<d>\\d{2})-(?<h>\\d{2})\\.(?<mi>\\d{2})"
            + "\\.(?<s>\\d{2})(?:\\.(?<f>\\d{1,9}))?"), false),
        new Layout("dd/MMM/yyyy:HH:mm:ss Z", Pattern.compile("\\[?(?<d>\\d{2})/(?<mon>" + MONTHS + ")/(?<y>\\d{4}):(?<h>\\d{2})"
            + ":(?<mi>\\d{2}):(?<s>\\d{2})(?: (?<z>[+-]\\d{4}))?\\]?"), false),
        new Layout("yyyy/MM/dd HH:mm:ss", Pattern.compile("\\[?(?<y>\\d{2}|\\d{4})/(?<M>\\d{2})/(?<d>\\d{2})[ T-](?<h>\\d{2}):"
            + "(?<mi>\\d{2}):(?<s>\\d{2})(?:[.,](?<f>\\d{1,9}))?\\]?"), false),
        new Layout("yyyyMMdd-HH:mm:ss:SSS", Pattern.compile("(?<y>\\d{4})(?<M>\\d{2})(?<d>\\d{2})-(?<h>\\d{2}):(?<mi>\\d{2})"
            + ":(?<s>\\d{2})(?::(?<f>\\d{1,3}))?"), false),
        new Layout("yyMMdd HHmmss", Pattern.compile("(?<y>\\d{2})(?<M>\\d{2})(?<d>\\d{2}) (?<h>\\d{2})(?<mi>\\d{2})(?<s>\\d{2})"
            + "(?=\\s|$)"), false),
        new Layout("MMM d HH:mm:ss", Pattern.compile("(?<mon>" + MONTHS + ") +(?<d>\\d{1,2}) (?<h>\\d{2}):(?<mi>\\d{2})"
            + ":(?<s>\\d{2})(?:[.,](?<f>\\d{1,6}))?(?! \\d{4})"), true),
        new Layout("MM-dd HH:mm:ss.SSS", Pattern.compile("(?<M>\\d{2})-(?<d>\\d{2}) (?<h>\\d{2}):(?<mi>\\d{2}):(?<s>\\d{2})"
            + "\\.(?<f>\\d{3})"), false),
        new Layout("[MM.dd HH:mm:ss]", Pattern.compile("\\[(?<M>\\d{2})\\.(?<d>\\d{2}) (?<h>\\d{2}):(?<mi>\\d{2}):(?<s>\\d{2})"
            + "\\]"), false),
        new Layout("epoch millis", Pattern.compile("(?<ms>1\\d{12})(?=\\s|$)"), false),
        new Layout("epoch seconds", Pattern.compile("(?<es>1\\d{9})(?:\\.(?<f>\\d{1,6}))?(?=\\s|$)"), false));

    private final ZoneId zone;
    private final int defaultYear;

    /**
     * @param zone the zone of timestamps that name none
     * @param defaultYear the year of timestamps that name none (syslog, logcat)
     */
    public LogLineParser(ZoneId zone, int defaultYear) {
        this.zone = zone;
        this.defaultYear = defaultYear;
    }

    /** A token of the line: its text and where it starts and ends. */
    private record Token(String text, int start, int end) {
    }

    /** Reads a line's header. Never fails: a line it cannot read is a line without a header. */
    public LogLine parse(String line) {
        List<Token> tokens = tokens(line, 48);
        for (int i = 0; i < Math.min(TIMESTAMP_WITHIN, tokens.size()); i++) {
            for (Layout layout : LAYOUTS) {
                Matcher m = layout.pattern().matcher(line);
                m.region(tokens.get(i).start(), line.length());
                if (m.lookingAt()) {
                    Instant at = instant(layout, m);
                    if (at != null) {
                        return header(line, tokens, i, layout, m.end(), at);
                    }
                }
            }
        }
        return new LogLine(line, null, LogLine.NO_HEADER, Map.of(), 0);
    }

    private LogLine header(String line, List<Token> tokens, int tsToken, Layout layout, int tsEnd, Instant at) {
        StringBuilder format = new StringBuilder();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < tsToken; i++) {
            String text = tokens.get(i).text();
            if (FILE.matcher(text).matches() && !fields.containsKey("log.file.path")) {
                fields.put("log.file.path", text);
                format.append("{file} ");
            } else {
                format.append(shape(text)).append(' ');
            }
        }
        format.append("{ts:").append(layoutName(layout, line, tokens.get(tsToken).start())).append('}');
        // Punctuation stuck to the timestamp (", " after a Windows time) belongs to the layout.
        int position = tsEnd;
        while (position < line.length() && (line.charAt(position) == ',' || line.charAt(position) == ':')) {
            format.append(line.charAt(position));
            position++;
        }
        List<Token> rest = tokens(line.substring(position), HEADER_TOKENS + 4);
        int offset = position;
        int contentStart = skipSpaces(line, position);
        boolean expectHost = layout.syslog();
        int numbers = 0;
        boolean sawLevel = false;
        boolean sawTimestampAgain = false;
        for (int i = 0; i < rest.size() && i < HEADER_TOKENS; i++) {
            Token token = rest.get(i);
            String text = token.text();
            int tokenStart = offset + token.start();
            int tokenEnd = offset + token.end();
            String slot = null;
            boolean ends = false;
            String stripped = strip(text);
            if (!sawTimestampAgain) {
                Layout second = timestampAt(line, tokenStart);
                if (second != null) {
                    sawTimestampAgain = true;
                    Matcher m = second.pattern().matcher(line);
                    m.region(tokenStart, line.length());
                    m.lookingAt();
                    format.append(" {ts:").append(layoutName(second, line, tokenStart)).append('}');
                    // Skip the tokens the second timestamp covers.
                    int end = m.end();
                    while (i + 1 < rest.size() && offset + rest.get(i + 1).start() < end) {
                        i++;
                    }
                    contentStart = skipSpaces(line, end);
                    continue;
                }
            }
            if (expectHost) {
                expectHost = false;
                if (!text.endsWith(":")) {
                    fields.put("host.name", text);
                    format.append(" {host}");
                    contentStart = skipSpaces(line, tokenEnd);
                    continue;
                }
            }
            if (text.equals("-") || text.equals("|") || text.equals("--")) {
                slot = text;
            } else if (text.startsWith("[")) {
                if (fields.containsKey("log.logger") && format.toString().endsWith("]")) {
                    break; // one bracketed group after a logger is header; a second one is the message's
                }
                int close = closingBracket(line, tokenStart);
                if (close < 0) {
                    break;
                }
                String inside = line.substring(tokenStart + 1, close);
                if (!sawLevel && LEVELS.contains(inside.toLowerCase(Locale.ROOT))) {
                    fields.put("log.level", inside);
                    sawLevel = true;
                    slot = "[{level}]";
                } else {
                    Matcher logger = BRACKET_LOGGER.matcher(line.substring(tokenStart, close + 1));
                    if (logger.find() && !fields.containsKey("log.logger")) {
                        fields.put("log.logger", logger.group(1));
                    }
                    slot = "[]";
                }
                int end = close + 1;
                if (end < line.length() && line.charAt(end) == ':') {
                    end++;
                    slot += ":";
                    ends = true;
                }
                while (i + 1 < rest.size() && offset + rest.get(i + 1).start() < end) {
                    i++;
                }
                tokenEnd = end;
            } else if (!sawLevel && LEVELS.contains(stripped.toLowerCase(Locale.ROOT))) {
                fields.put("log.level", stripped);
                sawLevel = true;
                slot = "{level}" + trailing(text, stripped);
            } else if (!sawLevel && SHORT_LEVELS.contains(text) && i + 1 < rest.size()
                    && TAG.matcher(rest.get(i + 1).text()).matches()) {
                fields.put("log.level", text);
                sawLevel = true;
                slot = "{level}";
            } else if (INTEGER.matcher(stripped).matches() && !sawLevel && numbers < 2) {
                fields.put(numbers == 0 ? "process.pid" : "process.thread.id", Long.parseLong(stripped));
                numbers++;
                slot = "{num}" + trailing(text, stripped);
            } else if (programAhead(rest, i) > 0) {
                int last = programAhead(rest, i);
                String joined = line.substring(tokenStart, offset + rest.get(i + last - 1).end());
                Matcher program = PROGRAM.matcher(joined);
                if (program.matches() && !fields.containsKey("process.name")) {
                    fields.put("process.name", program.group(1));
                    fields.putIfAbsent("process.pid", Long.parseLong(program.group(2)));
                    slot = "{program}[]" + (joined.endsWith(":") ? ":" : "");
                    ends = true; // the message follows a program, with or without its colon
                    tokenEnd = offset + rest.get(i + last - 1).end();
                    i += last - 1;
                }
            } else if (TAG.matcher(text).matches() && !text.startsWith("http") && !fields.containsKey("log.logger")
                    && !fields.containsKey("process.name")) {
                String name = text.substring(0, text.length() - 1);
                fields.put(DOTTED.matcher(name).matches() || sawLevel ? "log.logger" : "process.name", name);
                slot = DOTTED.matcher(name).matches() || sawLevel ? "{logger}:" : "{program}:";
                ends = true;
            } else if (DOTTED.matcher(stripped).matches() && !fields.containsKey("log.logger")) {
                fields.put("log.logger", stripped);
                slot = "{logger}" + trailing(text, stripped);
            } else if (sawLevel && UPPER_TAG.matcher(text).matches() && !fields.containsKey("log.logger")) {
                fields.put("log.logger", text);
                slot = "{tag}";
            } else if (!sawLevel && UPPER_TAG.matcher(text).matches() && i + 1 < rest.size()) {
                slot = text;
            } else if (!sawLevel && DATE_ONLY.matcher(text).matches()) {
                slot = "{date}";
            } else if (!sawLevel && IDENTIFIER.matcher(text).matches() && i + 1 < rest.size() && looksLikeHeaderAhead(rest, i + 1)) {
                slot = "{id}";
            }
            if (slot == null) {
                break;
            }
            format.append(' ').append(slot);
            contentStart = skipSpaces(line, tokenEnd);
            if (ends) {
                break;
            }
        }
        return new LogLine(line, at, format.toString(), fields, Math.min(contentStart, line.length()));
    }

    /** Whether a header continues after an identifier: another timestamp, host-like token, level or program. */
    private boolean looksLikeHeaderAhead(List<Token> rest, int from) {
        for (int j = from; j < Math.min(rest.size(), from + 4); j++) {
            String text = rest.get(j).text();
            String stripped = strip(text);
            if (LEVELS.contains(stripped.toLowerCase(Locale.ROOT)) || PROGRAM.matcher(text).matches() || TAG.matcher(text).matches()
                    || text.matches("(?:" + MONTHS + "|\\d{4}[-./]\\d{2}[-./]\\d{2}.*)")) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many tokens from {@code i} form a {@code program[pid]:}, or 0. A program's name may hold spaces
     * ({@code Microsoft Word[14463]:}), but only plain words: a host ({@code user@host}, {@code a/b}) before it is not
     * part of it.
     */
    private static int programAhead(List<Token> rest, int i) {
        for (int n = 1; n <= 3 && i + n - 1 < rest.size(); n++) {
            String last = rest.get(i + n - 1).text();
            if (last.matches(".*\\[\\d+\\]:?")) {
                return n;
            }
            if (last.endsWith(":") || !PLAIN_WORD.matcher(last).matches()) {
                return 0;
            }
        }
        return 0;
    }

    /** A second timestamp right here (syslog inside a wrapper, a detailed time after an epoch). */
    private static Layout timestampAt(String line, int start) {
        for (Layout layout : LAYOUTS) {
            if (layout.name().startsWith("epoch")) {
                continue;
            }
            Matcher m = layout.pattern().matcher(line);
            m.region(start, line.length());
            if (m.lookingAt() && m.end() - start >= 8) {
                return layout;
            }
        }
        return null;
    }

    private Instant instant(Layout layout, Matcher m) {
        try {
            if (layout.name().equals("epoch millis")) {
                return Instant.ofEpochMilli(Long.parseLong(m.group("ms")));
            }
            if (layout.name().equals("epoch seconds")) {
                return Instant.ofEpochSecond(Long.parseLong(m.group("es")));
            }
            int year = group(m, "y") == null ? defaultYear : Integer.parseInt(group(m, "y"));
            if (year < 100) {
                year += 2000;
            }
            int month = group(m, "mon") != null ? month(group(m, "mon")) : Integer.parseInt(group(m, "M"));
            int day = Integer.parseInt(group(m, "d"));
            LocalTime time = LocalTime.of(Integer.parseInt(group(m, "h")), Integer.parseInt(group(m, "mi")),
                Integer.parseInt(group(m, "s")), nanos(group(m, "f")));
            LocalDateTime local = LocalDateTime.of(LocalDate.of(year, month, day), time);
            String zoneText = group(m, "z");
            if (zoneText == null) {
                return local.atZone(zone).toInstant();
            }
            return local.atOffset(zoneText.equals("Z") ? ZoneOffset.UTC
                : ZoneOffset.of(zoneText.length() == 5 && !zoneText.contains(":")
                    ? zoneText.substring(0, 3) + ":" + zoneText.substring(3) : zoneText)).toInstant();
        } catch (DateTimeException | NumberFormatException e) {
            return null; // digits that only look like a time
        }
    }

    private static String group(Matcher m, String name) {
        try {
            return m.group(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int nanos(String fraction) {
        if (fraction == null || fraction.isEmpty()) {
            return 0;
        }
        String padded = (fraction + "000000000").substring(0, 9);
        return Integer.parseInt(padded);
    }

    /** The layout's name with what this match shows of it: fraction digits and their separator, a zone. */
    private static String layoutName(Layout layout, String line, int start) {
        if (!layout.name().equals("yyyy-MM-dd HH:mm:ss")) {
            return layout.name();
        }
        Matcher m = layout.pattern().matcher(line);
        m.region(start, line.length());
        if (!m.lookingAt()) {
            return layout.name();
        }
        String fraction = group(m, "f");
        String name = layout.name() + (fraction == null ? "" : group(m, "sep") + "S".repeat(fraction.length()));
        return group(m, "z") == null ? name : name + "Z";
    }

    private static int month(String name) {
        return List.of(MONTHS.split("\\|")).indexOf(name) + 1;
    }

    private static List<Token> tokens(String text, int max) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n && tokens.size() < max) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            if (text.charAt(i) == '|') {
                tokens.add(new Token("|", i, i + 1));
                i++;
                continue;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '|') {
                i++;
            }
            tokens.add(new Token(text.substring(start, i), start, i));
        }
        return tokens;
    }

    /** The index of the bracket closing the one at {@code open}, nesting counted, or -1 within 200 characters. */
    private static int closingBracket(String line, int open) {
        int depth = 0;
        for (int i = open; i < Math.min(line.length(), open + 200); i++) {
            char c = line.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A token without the punctuation headers wrap fields in. */
    private static String strip(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && "[(<".indexOf(token.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && "]),:;>".indexOf(token.charAt(end - 1)) >= 0) {
            end--;
        }
        return token.substring(start, end);
    }

    private static String trailing(String text, String stripped) {
        int at = text.indexOf(stripped);
        return at < 0 ? "" : text.substring(at + stripped.length());
    }

    private static int skipSpaces(String line, int from) {
        int i = from;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The class of a token before the timestamp: punctuation as it is, numbers and words by kind. */
    private static String shape(String token) {
        if (token.length() == 1 && !Character.isLetterOrDigit(token.charAt(0))) {
            return token;
        }
        if (INTEGER.matcher(token).matches()) {
            return "{num}";
        }
        if (DOTTED.matcher(token).matches()) {
            return "{name}";
        }
        if (token.chars().anyMatch(Character::isDigit)) {
            return "{id}";
        }
        return "{word}";
    }
}
