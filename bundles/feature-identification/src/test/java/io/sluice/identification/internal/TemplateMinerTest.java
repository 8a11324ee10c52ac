package io.sluice.identification.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Templates on inputs whose right answer is obvious. */
class TemplateMinerTest {

    private final TemplateMiner miner = new TemplateMiner();

    @Test
    void variablePartsBecomeWildcardsAndOneMessageShapeIsOneTemplate() {
        TemplateMiner.Result result = miner.mine(List.of(
            "Connection from 10.0.0.1 port 4411 closed",
            "Connection from 10.0.0.7 port 51000 closed",
            "Connection from 192.168.1.20 port 22 closed",
            "Disk /dev/sda1 is 91% full",
            "Disk /dev/sdb2 is 97% full"));
        int[] group = result.assignment();
        assertEquals(group[0], group[1]);
        assertEquals(group[0], group[2]);
        assertEquals(group[3], group[4]);
        assertNotEquals(group[0], group[3]);
        assertEquals(2, result.templates().size());
        String connection = result.templates().get(group[0]);
        assertTrue(connection.startsWith("Connection from <*> port <*> closed"), connection);
    }

    @Test
    void messagesThatDifferInAWordThatIsNotAValueStayApart() {
        // Many user names (a variable), two verbs (a constant that tells events apart).
        List<String> users = List.of("root", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
            "judy", "mallory");
        List<String> lines = new java.util.ArrayList<>();
        for (String user : users) {
            lines.add("Session opened for user " + user);
            lines.add("Session closed for user " + user);
        }
        TemplateMiner.Result result = miner.mine(lines);
        int[] group = result.assignment();
        for (int i = 2; i < lines.size(); i++) {
            assertEquals(group[i % 2], group[i], lines.get(i));
        }
        assertNotEquals(group[0], group[1], "opened and closed are different events");
        assertEquals("Session opened for user <*>", result.templates().get(group[0]));
    }

    /** With a handful of lines, a word with few values may be either: the miner keeps it, rather than merge events. */
    @Test
    void aWordWithFewValuesInFewLinesIsKept() {
        TemplateMiner.Result result = miner.mine(List.of("Session opened for user root", "Session opened for user alice"));
        assertEquals(2, result.templates().size());
    }

    @Test
    void keyValuePairsKeepTheirKeysAndLoseTheirValues() {
        TemplateMiner.Result result = miner.mine(List.of(
            "acquire lock=233570404, flags=0x1, uid=10037", "acquire lock=99, flags=0x2, uid=1000"));
        assertEquals(result.assignment()[0], result.assignment()[1]);
        String template = result.templates().get(result.assignment()[0]);
        assertTrue(template.contains("flags=") && !template.contains("233570404") && !template.contains("0x1"), template);
    }

    @Test
    void anEmptyInputHasNoTemplates() {
        assertEquals(0, miner.mine(List.of()).templates().size());
    }
}
