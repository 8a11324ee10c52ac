package io.sluice.task.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sluice's mapper reads instants exactly as Jackson's own deserializer does, only faster for its own form. */
class CanonicalInstantTest {

    private final ObjectMapper sluice = TaskJson.newMapper();
    private final ObjectMapper jackson = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void everyInstantAsWrittenReadsBackEqual() throws Exception {
        Random random = new Random(20261203);
        List<ChronoUnit> precisions = List.of(ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS, ChronoUnit.NANOS);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000))
                .truncatedTo(precisions.get(i % precisions.size()));
            String json = sluice.writeValueAsString(instant);
            assertEquals(instant, sluice.readValue(json, Instant.class), json);
            assertEquals(instant, TaskJson.CanonicalInstantDeserializer.canonical(instant.toString()), json);
        }
    }

    @Test
    void otherFormsAreLeftToJacksonsDeserializerWithItsAnswers() throws Exception {
        // Offsets, fractions of any length, epoch numbers, years past 9999: as Jackson reads them.
        for (String json : List.of("\"2026-12-03T18:00:00+01:00\"", "\"2026-12-03T17:00:00.1Z\"", "\"2026-12-03T17:00:00.12Z\"",
                "\"2026-12-03T17:00:00.1234Z\"", "\"2026-12-03T17:00:00.12345678Z\"", "1764781200", "1764781200.5",
                "\"+10000-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59.999999999Z\"")) {
            assertEquals(jackson.readValue(json, Instant.class), sluice.readValue(json, Instant.class), json);
        }
        // Not the canonical form, or not a real date and time: the fast path declines, and Jackson's deserializer
        // answers as it always did (an instant where it is lenient, the same error where it is not).
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-12-03T24:00:00Z", "2026-12-03T23:59:60Z",
                "2026-12-03T17:00:00.Z", "2026-12-03T17:00:00.1234567890Z", "2026-12-03 17:00:00Z", "2026-12-3T17:00:00Z",
                "yesterday")) {
            assertNull(TaskJson.CanonicalInstantDeserializer.canonical(text), text);
            String json = "\"" + text + "\"";
            assertEquals(outcome(jackson, json), outcome(sluice, json), text);
        }
        assertThrows(InvalidFormatException.class, () -> sluice.readValue("\"yesterday\"", Instant.class));
    }

    /** A property with a format of its own. */
    record Stamp(@JsonFormat(pattern = "yyyy-MM-dd HH:mm", timezone = "UTC") Instant at) {
    }

    @Test
    void aPropertyWithItsOwnFormatIsReadWithIt() throws Exception {
        String json = "{\"at\":\"2026-12-03 17:00\"}";
        assertEquals(Instant.parse("2026-12-03T17:00:00Z"), sluice.readValue(json, Stamp.class).at());
        assertEquals(jackson.readValue(json, Stamp.class), sluice.readValue(json, Stamp.class));
        // The canonical form is not that format: refused there, as Jackson refuses it.
        String canonical = "{\"at\":\"2026-12-03T17:00:00Z\"}";
        assertEquals(outcome(jackson, canonical, Stamp.class), outcome(sluice, canonical, Stamp.class));
    }

    private static Object outcome(ObjectMapper mapper, String json, Class<?> type) {
        try {
            return mapper.readValue(json, type);
        } catch (Exception e) {
            return e.getClass();
        }
    }

    private static Object outcome(ObjectMapper mapper, String json) {
        return outcome(mapper, json, Instant.class);
    }
}
