package io.sluice.itests;

import java.util.List;
import java.util.Random;

/**
 * A console line that is wrong in one way: each kind below can only be refused (never a valid command that happens to
 * write), so the answer to any of them is an error line, a non-zero exit, and no change anywhere. Lines hold no line
 * break: one line, one command. {@code logs.c} is a stream that exists, so that checks behind "stream not found" run.
 *
 * @param kind what was broken
 * @param line the line typed
 */
record MalformedConsoleLine(String kind, String line) {

    static final String STREAM = "logs.c";

    private static final List<String> COMMANDS = List.of("task:list", "task:show x", "task:cancel x", "task:ack x", "task:types",
        "task:health", "task:schedule --id x sample_sleep", "streams:list", "streams:describe " + STREAM,
        "streams:features " + STREAM, "streams:identify " + STREAM, "streams:keep --all " + STREAM);
    private static final List<String> NEED_ARGUMENTS = List.of("task:show", "task:cancel", "task:ack", "task:schedule",
        "task:schedule --id x", "streams:describe", "streams:features", "streams:identify", "streams:ingest",
        "streams:ingest " + STREAM, "streams:keep");
    private static final List<String> BAD_IDS = List.of("a/b", "..", "-x", "'x y'", "x".repeat(300), "'a\\\\b'", "_x", "'é'");
    private static final List<String> BAD_STREAMS = List.of("BAD", ".hidden", "'a*b'", "a,b", "_x", "a:b", "x".repeat(300),
        "'a b'", "-x");

    static MalformedConsoleLine generate(Random random) {
        int n = random.nextInt(100_000);
        return switch (random.nextInt(12)) {
            case 0 -> {
                String command = pick(random, COMMANDS);
                int at = command.indexOf(' ');
                // Options go before arguments: the unknown option right after the command name.
                String line = at < 0 ? command + " --zz" + n : command.substring(0, at) + " --zz" + n + command.substring(at);
                yield new MalformedConsoleLine("unknown option", line);
            }
            case 1 -> new MalformedConsoleLine("missing argument", pick(random, NEED_ARGUMENTS));
            case 2 -> random.nextBoolean()
                ? random.nextBoolean()
                    ? new MalformedConsoleLine("bad number", "task:list --size "
                        + pick(random, List.of("abc", "0", "-1", "1001", "99999999999", "1.5", "''")))
                    // Any --from of 0 or more is valid (past the end is an empty page).
                    : new MalformedConsoleLine("bad number", "task:list --from "
                        + pick(random, List.of("abc", "-1", "-1000", "99999999999", "1.5", "''")))
                : new MalformedConsoleLine("bad number", "streams:identify --sample-size "
                    + pick(random, List.of("0", "-3", "10001", "x", "2e3")) + " " + STREAM);
            case 3 -> new MalformedConsoleLine("unknown status", "task:list --status " + word(random));
            case 4 -> new MalformedConsoleLine("bad params", "task:schedule --id c-" + n + " --params '"
                + pick(random, List.of("{\"steps\":", "{\"steps\":1,", "[1]", "1", "\"x\"", "null", "{\"steps\":\"x\"}",
                    "{\"stepMillis\":[]}", "{steps:1}")) + "' sample_sleep");
            case 5 -> new MalformedConsoleLine("unknown task type", "task:schedule --id c-" + n + " nope_" + word(random));
            case 6 -> {
                String id = pick(random, BAD_IDS);
                yield new MalformedConsoleLine("bad task id", pick(random, List.of("task:show " + id, "task:cancel " + id,
                    "task:ack " + id, "task:schedule --id " + id + " sample_sleep")));
            }
            case 7 -> {
                String stream = pick(random, BAD_STREAMS);
                yield new MalformedConsoleLine("bad stream name", pick(random, List.of("streams:describe " + stream,
                    "streams:features " + stream, "streams:identify " + stream, "streams:keep --all " + stream,
                    "task:schedule --stream " + stream + " sample_sleep", "task:list --stream " + stream)));
            }
            case 8 -> new MalformedConsoleLine("bad time range", "streams:identify "
                + pick(random, List.of("--from notatime", "--from 2026-13-45T00:00:00Z", "--to yesterday",
                    "--from 10 --to 5", "--from 2026-01-02T00:00:00Z --to 2026-01-01T00:00:00Z")) + " " + STREAM);
            case 9 -> new MalformedConsoleLine("no such task", pick(random, List.of("task:cancel", "task:ack")) + " nope-" + n);
            case 10 -> new MalformedConsoleLine("no such file", "streams:ingest " + STREAM + " "
                + pick(random, List.of("/nonexistent/" + n, "/", "''")));
            default -> new MalformedConsoleLine("unbalanced quote", pick(random, COMMANDS) + " " + pick(random, List.of("\"", "'"))
                + word(random));
        };
    }

    private static String pick(Random random, List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static String word(Random random) {
        StringBuilder word = new StringBuilder();
        for (int i = 0, length = 1 + random.nextInt(8); i < length; i++) {
            word.append((char) ('a' + random.nextInt(26)));
        }
        return word.toString();
    }

    @Override
    public String toString() {
        return kind + ": " + line;
    }
}
