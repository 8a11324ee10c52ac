package io.sluice.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each common header layout: the timestamp read (time zone UTC; a year the header lacks is the ingest year) and the
 * header fields beside it. The ingest time is a fixed instant, so nothing depends on today's date.
 */
class LogDocumentsTest {

    private static final Instant INGEST = Instant.parse("2030-06-15T12:00:00Z");

    private static Map<String, Object> parse(String line) {
        return new LogDocuments(ZoneOffset.UTC, INGEST).next(line);
    }

    @SuppressWarnings("unchecked")
    private static Object field(Map<String, Object> doc, String path) {
        Object at = doc;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = ((Map<String, Object>) map).get(part);
        }
        return at;
    }

    @Test
    void isoWithCommaMillisLevelThreadAndLogger() {
        var doc = parse("2015-10-18 18:01:48,963 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Executing with tokens:");
        assertEquals("2015-10-18T18:01:48.963Z", doc.get("@timestamp"));
        assertEquals("INFO", field(doc, "log.level"));
        assertEquals("org.apache.hadoop.mapreduce.v2.app.MRAppMaster", field(doc, "log.logger"));
        assertEquals("{ts:yyyy-MM-dd HH:mm:ss,SSS}", field(doc, "log.layout"));
    }

    @Test
    void syslogWithHostProgramAndPidTakesTheIngestYear() {
        var doc = parse("Jul  1 09:01:05 calvisitor-10-105-160-95 com.apple.CDScheduler[43]: Thermal pressure state: 1");
        assertEquals("2030-07-01T09:01:05Z", doc.get("@timestamp"));
        assertEquals("calvisitor-10-105-160-95", field(doc, "host.name"));
        assertEquals("com.apple.CDScheduler", field(doc, "process.name"));
        assertEquals(43L, field(doc, "process.pid"));
    }

    @Test
    void compactDateTimeWithPidAndLogger() {
        var doc = parse("081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-69 terminating");
        assertEquals("2008-11-09T20:38:07Z", doc.get("@timestamp"));
        assertEquals(222L, field(doc, "process.pid"));
        assertEquals("dfs.DataNode$PacketResponder", field(doc, "log.logger"));
    }

    @Test
    void twoDigitYearWithSlashes() {
        var doc = parse("17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi");
        assertEquals("2017-06-09T20:10:40Z", doc.get("@timestamp"));
        assertEquals("spark.SecurityManager", field(doc, "log.logger"));
    }

    @Test
    void ctimeInBrackets() {
        var doc = parse("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties");
        assertEquals("2005-12-04T04:47:44Z", doc.get("@timestamp"));
        assertEquals("notice", field(doc, "log.level"));
    }

    @Test
    void epochSecondsWithALabelBeforeIt() {
        var doc = parse("- 1117838573 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.53.276129 R02-M1-N0-C:J12-U11 RAS KERNEL "
            + "INFO instruction cache parity error corrected");
        assertEquals("2005-06-03T22:42:53Z", doc.get("@timestamp"));
        assertEquals("INFO", field(doc, "log.level"));
    }

    @Test
    void logcatWithPidThreadAndShortLevel() {
        var doc = parse("03-17 16:13:38.819  1702  8671 D PowerManagerService: acquire lock=233570404, flags=0x1");
        assertEquals("2030-03-17T16:13:38.819Z", doc.get("@timestamp"));
        assertEquals(1702L, field(doc, "process.pid"));
        assertEquals(8671L, field(doc, "process.thread.id"));
        assertEquals("D", field(doc, "log.level"));
        assertEquals("PowerManagerService", field(doc, "log.logger"));
    }

    @Test
    void isoWithZoneAndAFileNameBeforeIt() {
        var doc = parse("nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.272 25746 INFO nova.osapi_compute.wsgi.server "
            + "[req-9bc36dd9] 10.11.10.1 \"GET /v2/servers HTTP/1.1\" status: 200");
        assertEquals("2017-05-16T00:00:00.272Z", doc.get("@timestamp"));
        assertEquals("nova-api.log.1.2017-05-16_13:53:08", field(doc, "log.file.path"));
        assertEquals(25746L, field(doc, "process.pid"));
        assertEquals("nova.osapi_compute.wsgi.server", field(doc, "log.logger"));
        var zoned = parse("2026-03-01T10:15:30.5+02:00 app started");
        assertEquals("2026-03-01T08:15:30.500Z", zoned.get("@timestamp"));
    }

    @Test
    void epochMillis() {
        var doc = parse("1700000000123 worker-3 job done in 12 ms");
        assertEquals("2023-11-14T22:13:20.123Z", doc.get("@timestamp"));
    }

    @Test
    void aLineWithoutHeaderAfterOneWithItIsAContinuation() {
        LogDocuments reader = new LogDocuments(ZoneOffset.UTC, INGEST);
        var first = reader.next("2015-10-18 18:01:48,963 ERROR [main] org.example.Job: failed");
        var trace = reader.next("java.lang.IllegalStateException: boom");
        assertEquals(first.get("@timestamp"), trace.get("@timestamp"));
        assertEquals("org.example.Job", field(trace, "log.logger"));
        assertEquals(Boolean.TRUE, field(trace, "log.continuation"));
        assertEquals("java.lang.IllegalStateException: boom", trace.get("message"), "the line itself is kept verbatim");
        assertNull(field(first, "log.continuation"));
    }

    @Test
    void aLineWithoutHeaderAndNothingBeforeItGetsTheIngestTime() {
        var doc = parse("just some words");
        assertEquals(INGEST.toString(), doc.get("@timestamp"));
        assertEquals(LogLine.NO_HEADER, field(doc, "log.format"));
        assertFalse(doc.containsKey("host"));
    }

    @Test
    void theLayoutKeepsOnlyTimestampsUpToTheLast() {
        assertEquals("{token} {ts:epoch seconds} {token} {token} {ts:MMM d HH:mm:ss}",
            LogLine.layoutOf("- {ts:epoch seconds} {date} {id} {ts:MMM d HH:mm:ss} {id} {program}[]:"));
        assertEquals("{level} {program}:", LogLine.layoutOf("{level} {program}:"), "no timestamp: the format itself");
        assertTrue(LogLine.slots("{ts:MMM d HH:mm:ss} {host}").size() == 2, "spaces inside a slot do not split it");
    }
}
