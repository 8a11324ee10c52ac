package io.sluice.scopedclients.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.auth.Caller;
import io.sluice.auth.ScopedClients;
import io.sluice.opensearch.node.OpenSearchExtension;
import io.sluice.security.internal.AccessConfig;
import io.sluice.security.internal.ConfigValues;
import io.sluice.security.internal.ApiKeyConfig;
import io.sluice.security.internal.ConfiguredAccessPolicy;
import io.sluice.security.internal.NodeTaskApiKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;

/** The clients of a task API key's caller, on the real node: what its user could read at minting, and nothing more. */
@ExtendWith(OpenSearchExtension.class)
class KeyScopedClientsTest {

    private static final Caller OPS = new Caller("olga", Set.of("ops"), "default", Caller.Authentication.PASSWORD);

    private final String prefix = ".k" + UUID.randomUUID().toString().substring(0, 8);
    private final ConfiguredAccessPolicy policy = new ConfiguredAccessPolicy(grants("ops:manage:logs.a"));
    private final NodeTaskApiKeys keys;
    private final NodeScopedClientFactory factory;
    private final OpenSearchClient opensearch;

    KeyScopedClientsTest(OpenSearchClient opensearch) throws IOException {
        this.opensearch = opensearch;
        keys = new NodeTaskApiKeys(opensearch, policy, keyConfig(prefix));
        factory = new NodeScopedClientFactory(opensearch, policy);
        for (String stream : new String[] {"logs.a", "logs.b"}) {
            opensearch.index(i -> i.index(stream).id("1").document(Map.of("message", "hello " + stream)).refresh(Refresh.True));
        }
    }

    @Test
    void aKeysClientsReadWhatItsCallerCouldAndNothingMore() throws IOException {
        ScopedClients clients = factory.forCaller(keys.open(keys.mint(OPS, "task-1", Duration.ofHours(1))));
        assertEquals("olga", clients.caller().user());
        assertEquals(Caller.Authentication.API_KEY, clients.caller().authentication());
        assertEquals(1, clients.asCurrentUser().count(c -> c.index("logs.a")).count());
        assertEquals(403, assertThrows(OpenSearchException.class, () -> clients.asCurrentUser().count(c -> c.index("logs.b"))).status());
        assertEquals(403, assertThrows(OpenSearchException.class,
            () -> clients.asCurrentUser().search(s -> s.index(prefix + "-api-keys"), Map.class)).status());
    }

    @Test
    void aKeyRevokedDuringARunIsRefusedOnItsClientsNextRequest() throws IOException {
        // As a run's clients are made: once, with the key opened again before every request.
        var key = keys.mint(OPS, "task-revoked", Duration.ofHours(1));
        ScopedClients clients = factory.forCaller(keys.open(key), () -> keys.open(key));
        assertEquals(1, clients.asCurrentUser().count(c -> c.index("logs.a")).count());
        keys.revoke(key);
        OpenSearchException refused = assertThrows(OpenSearchException.class, () -> clients.asCurrentUser().count(c -> c.index("logs.a")));
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains("revoked"), refused.getMessage());
    }

    @Test
    void grantsWidenedAfterMintingDoNotWidenTheKeysClients() throws IOException {
        Caller opened = keys.open(keys.mint(OPS, "task-2", Duration.ofHours(1)));
        policy.modified(grants("ops:manage:logs*"));
        ScopedClients clients = factory.forCaller(opened);
        assertEquals(403, assertThrows(OpenSearchException.class, () -> clients.asCurrentUser().count(c -> c.index("logs.b"))).status());
        assertEquals(1, clients.asCurrentUser().count(c -> c.index("logs.a")).count());
    }

    @Test
    void aWildcardGrantDoesNotReachSystemIndicesThroughParametersOrBodies() throws IOException {
        ConfiguredAccessPolicy everything = new ConfiguredAccessPolicy(grants("ops:manage:*"));
        NodeTaskApiKeys wideKeys = new NodeTaskApiKeys(opensearch, everything, keyConfig(prefix + "w"));
        ScopedClients clients = new NodeScopedClientFactory(opensearch, everything)
            .forCaller(wideKeys.open(wideKeys.mint(OPS, "task-3", Duration.ofHours(1))));
        OpenSearchClient asUser = clients.asCurrentUser();
        // Each of these would read the key index if it were sent.
        assertEquals(403, assertThrows(OpenSearchException.class, () -> asUser.search(s -> s.index("*")
            .expandWildcards(ExpandWildcard.All), Map.class)).status());
        assertEquals(403, assertThrows(OpenSearchException.class, () -> asUser.search(s -> s.index("logs*")
            .expandWildcards(ExpandWildcard.Hidden), Map.class)).status());
        assertEquals(403, assertThrows(OpenSearchException.class, () -> asUser.search(s -> s.index("logs.a")
            .query(q -> q.terms(t -> t.field("message").terms(v -> v.lookup(l -> l.index(prefix + "w-api-keys").id("x").path("y"))))),
            Map.class)).status());
        assertEquals(403, assertThrows(OpenSearchException.class, () -> asUser.indices().delete(d -> d.index("logs*"))).status());
        // What it may do, it still does.
        assertEquals(2, asUser.search(s -> s.index("logs*"), Map.class).hits().hits().size());
        assertEquals(1, opensearch.count(c -> c.index("logs.b")).count(), "the refused delete deleted nothing");
    }

    private static AccessConfig grants(String... grants) {
        return ConfigValues.of(AccessConfig.class, Map.<String, Object>of("grants", grants)::get);
    }

    private static ApiKeyConfig keyConfig(String prefix) {
        return ConfigValues.of(ApiKeyConfig.class,
            Map.<String, Object>of("encryptionKey", NodeTaskApiKeys.newEncryptionKey(), "indexPrefix", prefix)::get);
    }
}
