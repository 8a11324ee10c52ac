package io.sluice.identification.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Groups log messages by template: the words that stay the same, with {@code <*>} where values vary. After Brain
 * (Yu et al., "Brain: Log Parsing With Bidirectional Parallel Tree", IEEE TSC 2023), in three steps, with one setting
 * for every kind of log:
 * <ol>
 *   <li>Tokens that are values by their form (numbers, identifiers with digits, addresses, hex) are masked.</li>
 *   <li>Among messages of the same length, each word is weighed by how often it appears at its position. In one message,
 *       the weight shared by most of its words marks its common pattern: the words that often go together. Words that
 *       appear more often still belong to the pattern; rarer ones are values. Messages with the same pattern form a
 *       group.</li>
 *   <li>Within a group, a position with a single word is part of the template; a position with a few words (none of
 *       them a value by its form) splits the group: they are different messages that happen to share the rest. Any other
 *       position is a value.</li>
 * </ol>
 * It is deterministic: the same messages, in any order, give the same templates.
 */
public final class TemplateMiner {

    /** A position with at most this many distinct words (none of them a value) splits its group. */
    private static final int SPLIT_MAX_DISTINCT = 3;

    private static final Pattern VALUE = Pattern.compile(
        "[-+]?\\d+(?:[.,:]\\d+)*[a-zA-Z%]{0,3}"            // numbers, 12.5, 10:20, 100ms, 42%
        + "|(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d+)?"           // IPv4[:port]
        + "|(?:[0-9a-fA-F]{2}:){3,}[0-9a-fA-F]{2}"          // MAC and friends
        + "|0[xX][0-9a-fA-F]+|[0-9a-fA-F]{8,}"              // hex
        + "|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"); // UUID
    private static final String WILDCARD = "<*>";

    /**
     * What {@link #mine} found.
     *
     * @param templates the templates: words separated by single spaces, {@code <*>} for values
     * @param assignment for each message in input order, the index of its template
     */
    public record Result(List<String> templates, int[] assignment) {
        /** How many messages each template has. */
        public int[] counts() {
            int[] counts = new int[templates.size()];
            for (int a : assignment) {
                counts[a]++;
            }
            return counts;
        }
    }

    /** Mines the templates of the messages. */
    public Result mine(List<String> messages) {
        List<String[]> tokens = new ArrayList<>(messages.size());
        for (String message : messages) {
            tokens.add(tokenize(message));
        }
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            byLength.computeIfAbsent(tokens.get(i).length, n -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> templateIds = new LinkedHashMap<>();
        int[] assignment = new int[messages.size()];
        for (List<Integer> sameLength : byLength.values()) {
            for (List<Integer> group : patternGroups(tokens, sameLength)) {
                for (List<Integer> refined : refine(tokens, group)) {
                    String template = template(tokens, refined);
                    int id = templateIds.computeIfAbsent(template, t -> templateIds.size());
                    for (int i : refined) {
                        assignment[i] = id;
                    }
                }
            }
        }
        return new Result(new ArrayList<>(templateIds.keySet()), assignment);
    }

    /** Words of a message, values masked. */
    static String[] tokenize(String message) {
        String trimmed = message.strip();
        if (trimmed.isEmpty()) {
            return new String[0];
        }
        String[] words = trimmed.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            words[i] = mask(words[i]);
        }
        return words;
    }

    /**
     * A word with its values masked: the word itself when its form says it is a value, and inside it every part that
     * is ({@code key=value} pairs, {@code a,b} lists, {@code name:42}); punctuation is kept.
     */
    static String mask(String word) {
        String whole = maskWhole(word);
        if (!whole.equals(word)) {
            return whole;
        }
        String[] parts = PARTS.split(word);
        if (parts.length == 1) {
            return word;
        }
        StringBuilder masked = new StringBuilder(word.length());
        String previous = "";
        for (String part : parts) {
            if (part.length() == 1 && DELIMITERS.indexOf(part.charAt(0)) >= 0) {
                masked.append(part);
            } else if (previous.equals("=") && !part.isEmpty()) {
                masked.append(WILDCARD); // the value of a key=value pair
            } else {
                masked.append(maskWhole(part));
            }
            previous = part;
        }
        return masked.toString();
    }

    private static final String DELIMITERS = "=,;:(){}[]";
    private static final Pattern PARTS = Pattern.compile("(?<=[=,;:(){}\\[\\]])|(?=[=,;:(){}\\[\\]])");

    /** The word as {@code <*>} when it is a value as a whole (punctuation around it kept), else the word. */
    private static String maskWhole(String word) {
        int start = 0;
        int end = word.length();
        while (start < end && "([{<\"'".indexOf(word.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && ")]}>\"',;:.".indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        String core = word.substring(start, end);
        if (core.isEmpty()) {
            return word;
        }
        if (VALUE.matcher(core).matches() || isIdentifierWithDigits(core) || core.contains("/") && core.chars().anyMatch(Character::isDigit)) {
            return word.substring(0, start) + WILDCARD + word.substring(end);
        }
        return word;
    }

    /** An identifier that carries a value: mostly digits, or a long run of them ({@code blk_-562725280853087685}). */
    private static boolean isIdentifierWithDigits(String core) {
        int digits = 0;
        int run = 0;
        int longestRun = 0;
        for (int i = 0; i < core.length(); i++) {
            if (Character.isDigit(core.charAt(i))) {
                digits++;
                run++;
                longestRun = Math.max(longestRun, run);
            } else {
                run = 0;
            }
        }
        return digits > 0 && (longestRun >= 4 || digits * 2 >= core.length());
    }

    /** Whether a masked word is a value as a whole ({@code <*>}, {@code (<*>)}): it carries no pattern. */
    private static boolean isValue(String word) {
        int at = word.indexOf(WILDCARD);
        if (at < 0) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((i < at || i >= at + WILDCARD.length()) && Character.isLetterOrDigit(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Step 2: messages of one length grouped by their common pattern. */
    private static List<List<Integer>> patternGroups(List<String[]> tokens, List<Integer> members) {
        int length = tokens.get(members.get(0)).length;
        List<Map<String, Integer>> frequency = new ArrayList<>(length);
        for (int p = 0; p < length; p++) {
            frequency.add(new HashMap<>());
        }
        for (int i : members) {
            String[] words = tokens.get(i);
            for (int p = 0; p < length; p++) {
                frequency.get(p).merge(words[p], 1, Integer::sum);
            }
        }
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i : members) {
            String[] words = tokens.get(i);
            int[] weights = new int[length];
            Map<Integer, Integer> modes = new HashMap<>();
            for (int p = 0; p < length; p++) {
                weights[p] = isValue(words[p]) ? 0 : frequency.get(p).get(words[p]);
                if (weights[p] > 0) {
                    modes.merge(weights[p], 1, Integer::sum);
                }
            }
            // The weight most words share (the larger one on a tie) marks the pattern; heavier words belong to it too.
            int mode = modes.entrySet().stream()
                .max((a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey())
                    : Integer.compare(a.getValue(), b.getValue()))
                .map(Map.Entry::getKey).orElse(Integer.MAX_VALUE);
            StringBuilder key = new StringBuilder();
            for (int p = 0; p < length; p++) {
                key.append(weights[p] >= mode && weights[p] > 0 ? words[p] : WILDCARD).append('\u0001');
            }
            groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }

    /** Step 3: a few recurring words at a position are different messages; many words there are a value. */
    private static List<List<Integer>> refine(List<String[]> tokens, List<Integer> group) {
        int length = tokens.get(group.get(0)).length;
        for (int p = 0; p < length; p++) {
            Map<String, List<Integer>> byWord = new LinkedHashMap<>();
            for (int i : group) {
                byWord.computeIfAbsent(tokens.get(i)[p], w -> new ArrayList<>()).add(i);
            }
            boolean words = byWord.keySet().stream().noneMatch(TemplateMiner::isValue);
            if (byWord.size() > 1 && byWord.size() <= SPLIT_MAX_DISTINCT && words) {
                List<List<Integer>> split = new ArrayList<>();
                for (List<Integer> part : byWord.values()) {
                    split.addAll(refine(tokens, part));
                }
                return split;
            }
        }
        return List.of(group);
    }

    private static String template(List<String[]> tokens, List<Integer> group) {
        String[] first = tokens.get(group.get(0));
        StringBuilder template = new StringBuilder();
        for (int p = 0; p < first.length; p++) {
            String word = first[p];
            for (int i : group) {
                if (!tokens.get(i)[p].equals(word)) {
                    word = WILDCARD;
                    break;
                }
            }
            if (p > 0) {
                template.append(' ');
            }
            template.append(word);
        }
        return template.toString();
    }
}
