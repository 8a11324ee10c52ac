package io.sluice.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Task API keys, PID {@code io.sluice.apikeys} ({@code etc/io.sluice.apikeys.cfg}). */
@ObjectClassDefinition(name = "Sluice task API keys", description = "The keys tasks run with on their user's behalf.")
public @interface ApiKeyConfig {

    @AttributeDefinition(name = "Encryption key", type = AttributeType.PASSWORD,
        description = "32 random bytes, base64: encrypts key secrets in task documents. bin/sluice generates one on first "
            + "start. Without it, tasks cannot be scheduled on a user's behalf. All nodes must share it.")
    String encryptionKey() default "";

    @AttributeDefinition(name = "Index prefix", description = "Keys live in <prefix>-api-keys; the same as the task store's.")
    String indexPrefix() default ".sluice";

    @AttributeDefinition(name = "Purge after (days)", description = "Keys are deleted this long after they expire, revoked or not (a revoked key's "
        + "document must outlive its sealed copies); revoked keys with no expiry recorded, this long after revocation.",
        min = "1")
    int purgeAfterDays() default 1;

    @AttributeDefinition(name = "Group commit: most key writes in one bulk",
        description = "Keys stored (on first use) and revoked by concurrent runs go to OpenSearch together in one _bulk "
            + "request of at most this many items. 1 turns group commit off: each write is its own request.",
        min = "1", max = "10000")
    int groupCommitMaxBatch() default 500;

    @AttributeDefinition(name = "Group commit: linger (microseconds)",
        description = "How long a bulk of key writes waits for more before it leaves. 0: it leaves at once, and writes "
            + "that arrive while one is on its way go together in the next.", min = "0", max = "100000")
    int groupCommitLingerMicros() default 0;
}
