package io.sluice.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Task store settings, PID {@code io.sluice.store} ({@code etc/io.sluice.store.cfg}). */
@ObjectClassDefinition(name = "Sluice task store", description = "Where task documents live.")
public @interface StoreConfig {

    @AttributeDefinition(name = "Index prefix",
        description = "System indices are named <prefix>-tasks and so on. Nodes sharing work must use the same prefix.")
    String indexPrefix() default ".sluice";

    @AttributeDefinition(name = "Change feed interval (ms)",
        description = "How often this node looks for task changes made by other nodes (one small search). Status reads "
            + "and long polls see other nodes' writes within about this long plus a second.", min = "100")
    int changeFeedIntervalMillis() default 1000;

    @AttributeDefinition(name = "Tasks kept in memory",
        description = "How many recently seen tasks status reads can answer from memory.", min = "0")
    int cachedTasks() default 10_000;

    @AttributeDefinition(name = "Memory max age (s)",
        description = "A task kept in memory is read again after this long, which bounds how long a deletion made by "
            + "another node can go unnoticed.", min = "1")
    int cacheMaxAgeSeconds() default 30;

    @AttributeDefinition(name = "Group commit: most writes in one bulk",
        description = "Concurrent conditional writes of task documents go to OpenSearch together in one _bulk request of "
            + "at most this many items (each item keeps its own condition). 1 turns group commit off: each write is its own "
            + "request, sent by its caller.", min = "1", max = "10000")
    int groupCommitMaxBatch() default 500;

    @AttributeDefinition(name = "Group commit: linger (microseconds)",
        description = "How long a bulk waits for more writes before it leaves. 0: it leaves at once, and writes that "
            + "arrive while one is on its way go together in the next.", min = "0", max = "100000")
    int groupCommitLingerMicros() default 0;
}
