package io.sluice.security.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.auth.ApiKeyScope;
import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.auth.StreamPattern;
import io.sluice.opensearch.GroupCommit;
import io.sluice.opensearch.SystemIndex;
import io.sluice.security.AccessPolicy;
import io.sluice.security.AuthenticationException;
import io.sluice.security.TaskApiKey;
import io.sluice.security.TaskApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.GetResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task API keys in the index {@code <prefix>-api-keys} (alias of {@code -v1}, hidden, written by the node itself).
 *
 * <p>A key document holds the SHA-256 of the secret, never the secret: the secret exists only in the task document,
 * sealed with the node key ({@link SecretBox}). A key freezes the scope of its caller when minted
 * ({@link ApiKeyScope}); its caller is limited to that scope and to the current grants of its frozen roles, whichever
 * is narrower. Keys expire, are revoked when their task ends if a run may have stored them (the document then keeps
 * only its id, the hash if this node can open the secret, when, and the expiry), and are purged a day after they
 * expire.
 *
 * <p>Minting writes nothing: the sealed part of the key holds the secret and the key's whole document, which is
 * stored the first time the key is opened. Most tasks never act on their user's behalf (they write only their own task
 * document, with system credentials), and a key never opened needs no document to create and none to revoke: two of
 * the five documents a task would otherwise cost OpenSearch. First stores and revocations go to OpenSearch in shared
 * bulks ({@link GroupCommit}).
 */
@Component(service = {TaskApiKeys.class, NodeTaskApiKeys.class}, configurationPid = "io.sluice.apikeys")
@Designate(ocd = ApiKeyConfig.class)
public final class NodeTaskApiKeys implements TaskApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(NodeTaskApiKeys.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Base64 of a 12-byte IV, a 43-character secret and a 16-byte tag. */
    private static final int SECRET_ONLY_SEALED = 96;

    private final OpenSearchClient client;
    private final AccessPolicy access;
    private final SystemIndex index;
    private final String alias;
    private final String indexPrefix;
    private volatile SecretBox box;
    private volatile Duration purgeAfter;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    private final ScheduledExecutorService purger;
    // First uses and revocations of concurrent runs share bulks, as the task documents' writes do.
    private final GroupCommit writes;

    /** Opens the node key (a malformed one fails activation, naming the setting) and makes sure the index exists. */
    @Activate
    public NodeTaskApiKeys(@Reference OpenSearchClient client, @Reference AccessPolicy access, ApiKeyConfig config) {
        this.client = client;
        this.access = access;
        this.indexPrefix = config.indexPrefix();
        this.index = new SystemIndex(client, indexPrefix + "-api-keys",
            NodeTaskApiKeys.class.getResourceAsStream("api-key-index.json"), LOG);
        this.alias = index.alias();
        this.writes = new GroupCommit(client, index, LOG, "sluice-api-key-writes",
            KeyExists::new, GroupCommit.Observer.NONE,
            config.groupCommitMaxBatch(), config.groupCommitLingerMicros());
        try {
            modified(config);
        } catch (RuntimeException e) {
            writes.close(); // a malformed node key fails activation: the writer thread must not outlive it
            throw e;
        }
        index.ensureIfReachable();
        this.purger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-api-key-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purgeQuietly, 1, 60, TimeUnit.MINUTES);
    }

    /**
     * Applies a changed node key or purge age at once, without a restart (which would take the authenticator and every
     * route down with it). Keys sealed with a previous node key can no longer be opened: their tasks fail on their next
     * run. The index prefix applies from the next start of the bundle.
     */
    @Modified
    void modified(ApiKeyConfig config) {
        this.box = config.encryptionKey().isBlank() ? null : new SecretBox(config.encryptionKey());
        this.purgeAfter = Duration.ofDays(config.purgeAfterDays());
        writes.reconfigure(config.groupCommitMaxBatch(), config.groupCommitLingerMicros());
        if (box == null) {
            LOG.warn("No encryptionKey in etc/io.sluice.apikeys.cfg: tasks cannot be scheduled on a user's behalf");
        }
        if (!config.indexPrefix().equals(indexPrefix)) {
            LOG.warn("indexPrefix changed to '{}': API keys stay in '{}' until the bundle restarts", config.indexPrefix(),
                indexPrefix);
        }
    }

    /** A fresh random node key, base64 (what {@code bin/sluice} writes on first start), for use outside a node. */
    public static String newEncryptionKey() {
        return SecretBox.newKey();
    }

    /** A key's document exists already: its id was taken, or it was revoked or stored by another run meanwhile. */
    private static final class KeyExists extends IllegalStateException {
        KeyExists(String what) {
            super("cannot " + what + ": a key with that id exists");
        }
    }

    /** Stops the purge and the key writes (public for use outside OSGi, as the benchmarks embed it). */
    @Deactivate
    public void deactivate() {
        purger.shutdownNow();
        writes.close();
    }

    /** Bulks of key writes sent, and the writes in them (for tests and benchmarks). */
    long[] writeFigures() {
        return writes.figures();
    }

    /** A keyed fingerprint of the text under the node key, or empty when this node has none. */
    java.util.Optional<String> fingerprint(String text) {
        SecretBox box = this.box;
        return box == null ? java.util.Optional.empty() : java.util.Optional.of(box.fingerprint(text));
    }

    @Override
    public TaskApiKey mint(Caller caller, String taskId, Duration lifetime) {
        return startMint(caller, taskId, lifetime).awaitStored();
    }

    @Override
    public Pending startMint(Caller caller, String taskId, Duration lifetime) {
        SecretBox box = this.box;
        if (box == null) {
            throw new IllegalStateException("tasks cannot run on a user's behalf: this node has no encryptionKey "
                + "(etc/io.sluice.apikeys.cfg)");
        }
        String id = token(16);
        String secret = token(32);
        Instant now = clock.instant();
        ObjectNode doc = JSON.objectNode()
            .put("id", id)
            .put("hash", hash(secret))
            .put("owner", caller.user())
            .put("space", caller.space())
            .put("task_id", taskId)
            .put("created_at", now.toString())
            .put("expires_at", now.plus(lifetime).toString());
        ArrayNode roles = doc.putArray("roles");
        caller.roles().stream().sorted().forEach(roles::add);
        ObjectNode scope = doc.putObject("scope");
        access.streamPatterns(caller, Privilege.READ).forEach(scope.putArray("read")::add);
        access.streamPatterns(caller, Privilege.MANAGE).forEach(scope.putArray("manage")::add);
        // Sealed together, so that the document stored on first use is exactly the one frozen now, and cannot be
        // changed by anyone who can write the task index but does not hold the node key.
        ObjectNode sealed = JSON.objectNode().put("secret", secret).set("key", doc);
        return new Pending(new TaskApiKey(id, box.seal(sealed.toString())), CompletableFuture.completedFuture(null));
    }

    @Override
    public Caller open(TaskApiKey key) {
        Sealed sealed = unseal(key);
        if (sealed.document() == null) {
            return verify(key.id(), sealed.secret()); // sealed before keys were stored on first use: stored at mint
        }
        ObjectNode stored = readKey(key.id());
        if (stored == null) {
            if (expired(sealed.document())) {
                throw new AuthenticationException("API key " + key.id() + " has expired");
            }
            try {
                writes.create(key.id(), sealed.document(), "store API key " + key.id());
                return callerOf(key.id(), sealed.document());
            } catch (KeyExists e) {
                // Revoked (or first used by another run) since the read above: what is stored now decides.
                stored = readKey(key.id());
            }
        }
        return check(key.id(), sealed.secret(), stored);
    }

    /** The secret of a key and, for keys stored on first use, the document to store. */
    private record Sealed(String secret, ObjectNode document) {
    }

    private Sealed unseal(TaskApiKey key) {
        SecretBox box = this.box;
        if (box == null) {
            throw new AuthenticationException("task API key " + key.id() + " cannot be opened: this node has no encryptionKey");
        }
        String plain;
        try {
            plain = box.open(key.encryptedSecret());
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("task API key " + key.id() + " cannot be opened: the node's encryptionKey "
                + "is not the one it was sealed with");
        }
        if (!plain.startsWith("{")) {
            return new Sealed(plain, null);
        }
        try {
            JsonNode sealed = mapper.readTree(plain);
            if (!(sealed.path("key") instanceof ObjectNode document) || !document.path("id").asText().equals(key.id())) {
                throw new AuthenticationException("task API key " + key.id() + " cannot be opened: it seals another key");
            }
            return new Sealed(sealed.path("secret").asText(), document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AuthenticationException("task API key " + key.id() + " cannot be opened: its sealed part is damaged");
        }
    }

    @Override
    public void revoke(TaskApiKey key) {
        // A revoked key needs only its hash (so that its holder hears "revoked", anyone else "invalid"), when, and until
        // when it would have worked: the whole document is written over, unread. A partial update would read it first,
        // and OpenSearch refreshes the index for a read of a document written since its last refresh.
        ObjectNode revoked = JSON.objectNode().put("id", key.id()).put("revoked_at", clock.instant().toString());
        // A key never opened has no document yet: this one also stops a first use racing the revocation (its create
        // is refused, and it reads "revoked").
        try {
            Sealed sealed = unseal(key);
            revoked.put("hash", hash(sealed.secret()));
            if (sealed.document() != null) {
                // Kept until the key has expired, not just a day: were it purged sooner, a holder of the sealed key
                // would find no document and store the key afresh.
                revoked.put("expires_at", sealed.document().path("expires_at").asText());
            }
        } catch (AuthenticationException e) {
            // No node key, or sealed with an earlier one: no hash is kept, so its holder hears "invalid", not "revoked".
        }
        writes.put(key.id(), revoked, "revoke API key " + key.id());
    }

    @Override
    public boolean storedOnFirstUse(TaskApiKey key) {
        // Asked at every task's end: told by length, not by a decryption. A key sealed before keys were stored on first
        // use holds only its secret (32 random bytes, 43 characters), always SECRET_ONLY_SEALED characters once
        // sealed; one that holds its document as well is several times longer.
        return key.encryptedSecret().length() > SECRET_ONLY_SEALED;
    }

    /**
     * Checks a key's secret, expiry and revocation, in real time: a key revoked on any node is refused on its next use.
     *
     * @return the key's caller, with the scope frozen in the key
     * @throws AuthenticationException without saying whether the id exists, when the secret is wrong
     */
    Caller verify(String id, String secret) {
        return check(id, secret, readKey(id));
    }

    /** The stored document of a key, read in real time, or null. */
    private ObjectNode readKey(String id) {
        return index.read("read API key", () -> {
            GetResponse<ObjectNode> response = client.get(g -> g.index(alias).id(id).realtime(true), ObjectNode.class);
            return response.found() ? response.source() : null;
        }, null);
    }

    private Caller check(String id, String secret, ObjectNode doc) {
        if (doc == null || !MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                doc.path("hash").asText().getBytes(StandardCharsets.US_ASCII))) {
            throw new AuthenticationException("invalid API key");
        }
        if (doc.hasNonNull("revoked_at")) {
            throw new AuthenticationException("API key " + id + " was revoked");
        }
        if (expired(doc)) {
            throw new AuthenticationException("API key " + id + " has expired");
        }
        return callerOf(id, doc);
    }

    private boolean expired(JsonNode doc) {
        return !Instant.parse(doc.path("expires_at").asText()).isAfter(clock.instant());
    }

    private static Caller callerOf(String id, JsonNode doc) {
        List<String> roles = strings(doc.path("roles"));
        ApiKeyScope scope = new ApiKeyScope(id, patterns(doc.path("scope").path("read")), patterns(doc.path("scope").path("manage")));
        return new Caller(doc.path("owner").asText(), Set.copyOf(roles), doc.path("space").asText(),
            Caller.Authentication.API_KEY, scope);
    }

    /**
     * Deletes keys expired more than {@code purgeAfter} ago, revoked or not, and revoked keys without an expiry revoked
     * more than {@code purgeAfter} ago.
     */
    long purge() {
        String before = clock.instant().minus(purgeAfter).toString();
        Long deleted = index.read("purge API keys", () -> client.deleteByQuery(d -> d.index(alias).ignoreUnavailable(true)
            .allowNoIndices(true).conflicts(org.opensearch.client.opensearch._types.Conflicts.Proceed)
            .query(q -> q.bool(b -> b
                .should(s -> s.range(r -> r.field("expires_at").lt(JsonData.of(before))))
                // Revoked documents without an expiry: keys stored at mint, or sealed with another node key, which
                // cannot be stored afresh from their sealed part.
                .should(s -> s.bool(r -> r.must(m -> m.range(x -> x.field("revoked_at").lt(JsonData.of(before))))
                    .mustNot(m -> m.exists(e -> e.field("expires_at")))))
                .minimumShouldMatch("1")))).deleted(), 0L);
        return deleted == null ? 0 : deleted;
    }

    private void purgeQuietly() {
        try {
            long purged = purge();
            if (purged > 0) {
                LOG.info("Purged {} revoked or expired task API keys", purged);
            }
        } catch (RuntimeException e) {
            if (e instanceof io.sluice.task.StoreUnavailableException) {
                LOG.warn("Purging task API keys failed: {}", e.getMessage());
            } else {
                LOG.warn("Purging task API keys failed", e);
            }
        }
    }

    private String token(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<StreamPattern> patterns(JsonNode array) {
        return strings(array).stream().map(StreamPattern::new).toList();
    }
}
