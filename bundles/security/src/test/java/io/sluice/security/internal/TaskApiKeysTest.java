package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.security.AuthenticationException;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.security.TaskApiKey;
import io.sluice.opensearch.node.OpenSearchExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;

/**
 * Task API keys against the real node: minting, opening (the caller and the scope frozen in the key), revocation,
 * expiry, purging, and the access policy's decisions for a key's caller. The clients made from a key are tested with
 * the scoped-client factory ({@code KeyScopedClientsTest}).
 */
@ExtendWith(OpenSearchExtension.class)
class TaskApiKeysTest {

    private static final Caller OPS = new Caller("olga", Set.of("ops"), "default", Caller.Authentication.PASSWORD);

    private final OpenSearchClient opensearch;
    private final String prefix = ".k" + UUID.randomUUID().toString().substring(0, 8);
    private final String[] grants = {"ops:manage:logs.a"};
    private final NodeTaskApiKeys keys;
    private final String nodeKey = SecretBox.newKey();
    // Reads the grants array each time: the tests change grants under a key, as ConfigAdmin would.
    private final LiveAccessPolicy policy = new LiveAccessPolicy(() -> new ConfiguredAccessPolicy(config(() -> grants)));

    TaskApiKeysTest(OpenSearchClient opensearch) throws IOException {
        this.opensearch = opensearch;
        keys = new NodeTaskApiKeys(opensearch, policy, keyConfig(nodeKey, prefix));
        for (String stream : new String[] {"logs.a", "logs.b"}) {
            opensearch.index(i -> i.index(stream).id("1").document(Map.of("message", "hello " + stream)).refresh(Refresh.True));
        }
    }

    @org.junit.jupiter.api.AfterEach
    void stopKeyWrites() {
        keys.deactivate();
    }

    @Test
    void anOpenedKeyActsAsItsCallerWithinTheScopeOfThatMoment() {
        Caller opened = keys.open(keys.mint(OPS, "task-1", Duration.ofHours(1)));
        assertEquals("olga", opened.user());
        assertEquals(Set.of("ops"), opened.roles());
        assertEquals(Caller.Authentication.API_KEY, opened.authentication());
        assertTrue(policy.allows(opened, Privilege.MANAGE, "logs.a"));
        assertFalse(policy.allows(opened, Privilege.READ, "logs.b"));
        assertFalse(policy.allows(opened, Privilege.READ, null), "tasks without a stream are for administrators");
    }

    @Test
    void grantsWidenedAfterMintingDoNotWidenTheKey() {
        TaskApiKey key = keys.mint(OPS, "task-2", Duration.ofHours(1));
        grants[0] = "ops:manage:logs*";
        Caller opened = keys.open(key);
        assertFalse(policy.allows(opened, Privilege.READ, "logs.b"));
        assertTrue(policy.allows(opened, Privilege.READ, "logs.a"));
        assertEquals(List.of("logs.a"), policy.streamPatterns(opened, Privilege.READ));
        // A key minted now gets the wider grant.
        assertTrue(policy.allows(keys.open(keys.mint(OPS, "task-3", Duration.ofHours(1))), Privilege.READ, "logs.b"));
    }

    @Test
    void grantsNarrowedAfterMintingNarrowTheKey() {
        TaskApiKey key = keys.mint(OPS, "task-4", Duration.ofHours(1));
        grants[0] = "ops:read:nothing";
        Caller opened = keys.open(key);
        assertFalse(policy.allows(opened, Privilege.READ, "logs.a"));
        assertEquals(List.of(), policy.streamPatterns(opened, Privilege.READ));
    }

    @Test
    void anAdministratorsKeyAdministersOnlyIfItsScopeCoversEveryStream() {
        Caller admin = new Caller("root", Set.of("admin"), "default", Caller.Authentication.PASSWORD);
        Caller opened = keys.open(keys.mint(admin, "task-admin", Duration.ofHours(1)));
        assertTrue(policy.isAdmin(opened));
        assertTrue(policy.allows(opened, Privilege.MANAGE, null));
    }

    @Test
    void aRevokedKeyNoLongerWorks() {
        TaskApiKey key = keys.mint(OPS, "task-5", Duration.ofHours(1));
        keys.open(key);
        keys.revoke(key);
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> keys.open(key));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        keys.revoke(key);
    }

    @Test
    void aRevokedKeysDocumentKeepsNoIdentityAndAWrongSecretStillHearsOnlyInvalid() throws IOException {
        TaskApiKey key = keys.mint(OPS, "task-11", Duration.ofHours(1));
        keys.open(key);
        keys.revoke(key);
        Map<?, ?> doc = opensearch.get(g -> g.index(prefix + "-api-keys").id(key.id()), Map.class).source();
        assertEquals(Set.of("id", "hash", "revoked_at", "expires_at"), doc.keySet(), "who it acted as is gone with the key");
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> keys.verify(key.id(), "wrong"));
        assertEquals("invalid API key", e.getMessage());
    }

    @Test
    void aKeyIsStoredOnItsFirstUseWithTheScopeFrozenAtMinting() throws IOException {
        TaskApiKey key = keys.mint(OPS, "task-12", Duration.ofHours(1));
        assertFalse(storedKey(key).isPresent(), "minting writes nothing");
        grants[0] = "ops:manage:logs*";
        Caller opened = keys.open(key);
        assertFalse(policy.allows(opened, Privilege.READ, "logs.b"), "the scope is the one frozen at minting");
        Map<?, ?> doc = storedKey(key).orElseThrow();
        assertEquals("olga", doc.get("owner"));
        assertEquals("task-12", doc.get("task_id"));
        assertFalse(doc.containsKey("secret"), "only the hash is stored");
        assertEquals(key.id(), keys.verify(key.id(), secretOf(key)).keyScope().orElseThrow().keyId(),
            "the stored key verifies as an API key header would");
        assertEquals("olga", keys.open(key).user(), "a second use reads the stored key");
    }

    @Test
    void aKeyRevokedBeforeItsFirstUseNeverWorks() {
        TaskApiKey key = keys.mint(OPS, "task-13", Duration.ofHours(1));
        keys.revoke(key);
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> keys.open(key));
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
    }

    @Test
    void aSealedKeyChangedOrMovedToAnotherIdIsRefused() {
        TaskApiKey key = keys.mint(OPS, "task-14", Duration.ofHours(1));
        TaskApiKey other = keys.mint(OPS, "task-15", Duration.ofHours(1));
        assertThrows(AuthenticationException.class, () -> keys.open(new TaskApiKey(other.id(), key.encryptedSecret())));
        String sealed = key.encryptedSecret();
        String flipped = sealed.substring(0, 20) + (sealed.charAt(20) == 'A' ? 'B' : 'A') + sealed.substring(21);
        assertThrows(AuthenticationException.class, () -> keys.open(new TaskApiKey(key.id(), flipped)));
        assertFalse(storedKey(key).isPresent() || storedKey(other).isPresent(), "nothing refused was stored");
    }

    @Test
    void concurrentFirstUsesAndRevocationsShareBulks() throws Exception {
        int count = 40;
        // A linger, so that the writes below meet in bulks however fast this machine answers each one.
        NodeTaskApiKeys lingering = new NodeTaskApiKeys(opensearch, policy, ConfigValues.of(ApiKeyConfig.class,
            Map.<String, Object>of("encryptionKey", nodeKey, "indexPrefix", prefix, "groupCommitLingerMicros", 20_000)::get));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            long[] before = lingering.writeFigures();
            List<java.util.concurrent.Future<TaskApiKey>> minted = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                String task = "bulk-" + i;
                minted.add(pool.submit(() -> {
                    TaskApiKey key = lingering.mint(OPS, task, Duration.ofHours(1));
                    lingering.open(key);
                    lingering.revoke(key);
                    return key;
                }));
            }
            for (java.util.concurrent.Future<TaskApiKey> future : minted) {
                TaskApiKey key = future.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(assertThrows(AuthenticationException.class, () -> lingering.open(key)).getMessage().contains("revoked"));
            }
            long[] after = lingering.writeFigures();
            assertEquals(2L * count, after[1] - before[1], "every first use and revocation was written");
            assertTrue(after[0] - before[0] < 2L * count, (after[0] - before[0]) + " bulks for " + 2 * count + " writes");
        } finally {
            pool.shutdownNow();
            lingering.deactivate();
        }
    }

    @Test
    void anExpiredKeyNoLongerWorks() {
        TaskApiKey key = keys.mint(OPS, "task-6", Duration.ZERO);
        assertTrue(assertThrows(AuthenticationException.class, () -> keys.open(key)).getMessage().contains("expired"));
        assertFalse(storedKey(key).isPresent(), "an expired key is not stored by its first use");
    }

    @Test
    void aWrongSecretOrAnotherNodeKeyIsRefusedWithoutSayingWhich() {
        TaskApiKey key = keys.mint(OPS, "task-7", Duration.ofHours(1));
        assertEquals("invalid API key", assertThrows(AuthenticationException.class, () -> keys.verify(key.id(), "guess")).getMessage());
        assertEquals("invalid API key", assertThrows(AuthenticationException.class, () -> keys.verify("no-such-id", "guess")).getMessage());
        NodeTaskApiKeys otherNode = new NodeTaskApiKeys(opensearch, new ConfiguredAccessPolicy(config(() -> grants)),
            keyConfig(SecretBox.newKey(), prefix));
        assertThrows(AuthenticationException.class, () -> otherNode.open(key));
    }

    @Test
    void withoutANodeKeyNoKeyIsMinted() {
        NodeTaskApiKeys keyless = new NodeTaskApiKeys(opensearch, new ConfiguredAccessPolicy(config(() -> grants)), keyConfig("", prefix));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> keyless.mint(OPS, "t", Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("encryptionKey"), e.getMessage());
    }

    @Test
    void theSecretIsInNoIndex() throws IOException {
        TaskApiKey key = keys.mint(OPS, "task-8", Duration.ofHours(1));
        keys.open(key);
        String secret = secretOf(key);
        opensearch.indices().refresh(r -> r.index("*").expandWildcards(org.opensearch.client.opensearch._types.ExpandWildcard.All));
        long hits = opensearch.search(s -> s.index("*").expandWildcards(org.opensearch.client.opensearch._types.ExpandWildcard.All)
            .query(q -> q.queryString(qs -> qs.query("\"" + secret + "\""))), Map.class).hits().total().value();
        assertEquals(0, hits);
    }

    @Test
    void expiredKeysArePurgedAndRevokedOnesOnlyOnceExpired() throws IOException {
        NodeTaskApiKeys quick = new NodeTaskApiKeys(opensearch, new ConfiguredAccessPolicy(config(() -> grants)), keyConfig(nodeKey, prefix, 0));
        TaskApiKey revoked = quick.mint(OPS, "task-9", Duration.ofHours(1));
        quick.open(revoked);
        quick.revoke(revoked);
        // Written as they would be: a key stored before it expired, and one revoked before keys kept their expiry.
        opensearch.index(i -> i.index(prefix + "-api-keys").id("expired-key").document(Map.of("id", "expired-key",
            "hash", "0", "expires_at", "2000-01-01T00:00:00Z")));
        opensearch.index(i -> i.index(prefix + "-api-keys").id("revoked-long-ago").document(Map.of("id", "revoked-long-ago",
            "hash", "0", "revoked_at", "2000-01-01T00:00:00Z")));
        TaskApiKey live = quick.mint(OPS, "task-10", Duration.ofHours(1));
        quick.open(live);
        opensearch.indices().refresh(r -> r.index(prefix + "-api-keys"));
        assertEquals(2, quick.purge(), "the expired key and the one revoked long ago");
        assertTrue(storedKey(revoked).isPresent(), "a revoked key's document stays until the key expires");
        assertTrue(assertThrows(AuthenticationException.class, () -> quick.open(revoked)).getMessage().contains("revoked"));
        quick.open(live);
        quick.deactivate();
    }

    @Test
    void aKeySealedBeforeKeysWereStoredOnFirstUseOpensFromItsStoredDocument() throws IOException {
        String secret = "an-old-secret-of-43-characters-as-minted-ok";
        assertEquals(43, secret.length(), "the length of a minted secret, 32 random bytes");
        opensearch.index(i -> i.index(prefix + "-api-keys").id("old-key").document(Map.of("id", "old-key",
            "hash", sha256(secret), "owner", "olga", "roles", List.of("ops"), "space", "default", "task_id", "old-task",
            "created_at", "2026-01-01T00:00:00Z", "expires_at", "2999-01-01T00:00:00Z",
            "scope", Map.of("read", List.of("logs.a"), "manage", List.of("logs.a")))));
        TaskApiKey old = new TaskApiKey("old-key", new SecretBox(nodeKey).seal(secret));
        assertFalse(keys.storedOnFirstUse(old), "stored at mint: its task's end must revoke it even if unused");
        assertTrue(keys.storedOnFirstUse(keys.mint(OPS, "task-16", Duration.ofHours(1))));
        assertEquals("olga", keys.open(old).user());
        keys.revoke(old);
        assertTrue(assertThrows(AuthenticationException.class, () -> keys.open(old)).getMessage().contains("revoked"));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private java.util.Optional<Map<?, ?>> storedKey(TaskApiKey key) {
        try {
            var got = opensearch.get(g -> g.index(prefix + "-api-keys").id(key.id()), Map.class);
            return got.found() ? java.util.Optional.of(got.source()) : java.util.Optional.empty();
        } catch (IOException | org.opensearch.client.opensearch._types.OpenSearchException e) {
            if (e.getMessage() != null && e.getMessage().contains("index_not_found")) {
                return java.util.Optional.empty();
            }
            throw new IllegalStateException(e);
        }
    }

    /** The plain secret, as only this node can read it from the sealed part of the key. */
    private String secretOf(TaskApiKey key) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(new SecretBox(nodeKey).open(key.encryptedSecret()))
                .path("secret").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An access policy rebuilt on every call, so that grants changed by a test apply at once, as ConfigAdmin does. */
    private record LiveAccessPolicy(java.util.function.Supplier<ConfiguredAccessPolicy> current) implements io.sluice.security.AccessPolicy {
        @Override
        public boolean allows(Caller caller, io.sluice.auth.Privilege privilege, String stream) {
            return current.get().allows(caller, privilege, stream);
        }

        @Override
        public boolean isAdmin(Caller caller) {
            return current.get().isAdmin(caller);
        }

        @Override
        public java.util.List<String> streamPatterns(Caller caller, io.sluice.auth.Privilege privilege) {
            return current.get().streamPatterns(caller, privilege);
        }
    }

    static AccessConfig config(java.util.function.Supplier<String[]> grants) {
        return ConfigValues.of(AccessConfig.class, setting -> setting.equals("grants") ? grants.get() : null);
    }

    private static ApiKeyConfig keyConfig(String key, String prefix) {
        return keyConfig(key, prefix, 1);
    }

    private static ApiKeyConfig keyConfig(String key, String prefix, int purgeAfterDays) {
        return ConfigValues.of(ApiKeyConfig.class,
            Map.<String, Object>of("encryptionKey", key, "indexPrefix", prefix, "purgeAfterDays", purgeAfterDays)::get);
    }
}
