package io.sluice.streams.internal;

import io.sluice.auth.Caller;
import io.sluice.scopedclients.internal.NodeScopedClientFactory;
import io.sluice.security.AccessPolicy;
import io.sluice.security.internal.AccessConfig;
import io.sluice.security.internal.ConfigValues;
import io.sluice.security.internal.ConfiguredAccessPolicy;
import java.lang.annotation.Annotation;
import java.util.Set;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;

/** The streams service as tests see it: the real one on the embedded node, the real access policy. */
final class StreamsFixture {

    static final Caller OPS = new Caller("olga", Set.of("ops"), "default", Caller.Authentication.PASSWORD);
    static final Caller VIEWER = new Caller("vic", Set.of("viewer"), "default", Caller.Authentication.PASSWORD);

    static AccessPolicy access() {
        return new ConfiguredAccessPolicy(ConfigValues.of(AccessConfig.class, Map.<String, Object>of("grants", new String[] {"ops:manage:t-*", "viewer:read:t-*"})::get));
    }

    static StreamsConfig config(int maxIngestBytes) {
        return new StreamsConfig() {
            @Override
            public String timezone() {
                return "UTC";
            }

            @Override
            public int batchSize() {
                return 2; // several bulk requests even for small bodies
            }

            @Override
            public int maxLineChars() {
                return 200;
            }

            @Override
            public int maxIngestBytes() {
                return maxIngestBytes;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return StreamsConfig.class;
            }
        };
    }

    static OpenSearchStreams streams(OpenSearchClient client) {
        AccessPolicy access = access();
        return new OpenSearchStreams(client, access, new NodeScopedClientFactory(client, access), config(1024));
    }

    private StreamsFixture() {
    }
}
