package io.sluice.streams.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Streams and ingest, PID {@code io.sluice.streams} ({@code etc/io.sluice.streams.cfg}). */
@ObjectClassDefinition(name = "Sluice streams", description = "Ingest of raw log lines and NDJSON into streams.")
public @interface StreamsConfig {

    @AttributeDefinition(name = "Time zone",
        description = "The zone of header timestamps that name none (syslog, yyMMdd HHmmss, ...), as a java.time zone id.")
    String timezone() default "UTC";

    @AttributeDefinition(name = "Bulk batch size", description = "Documents per bulk request.", min = "1", max = "10000")
    int batchSize() default 1000;

    @AttributeDefinition(name = "Longest line (characters)",
        description = "Longer lines are not indexed; they are counted and listed as rejected.", min = "1")
    int maxLineChars() default 65_536;

    @AttributeDefinition(name = "Largest ingest body (bytes)",
        description = "A larger body is refused with 413 before anything is written.", min = "1024")
    int maxIngestBytes() default 50 * 1024 * 1024;
}
