package io.sluice.security.internal;

import io.sluice.auth.Caller;
import io.sluice.opensearch.SystemIndex;
import io.sluice.security.Sessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in {@code .sluice-sessions} (a hidden system index), so they survive a restart of the node and hold on any
 * node that shares the cluster, as Kibana keeps its sessions in an index. A document is addressed by the SHA-256 of
 * its token (the index never holds a usable token) and remembers its user, roles, the account's fingerprint at login
 * ({@link AccountFingerprints}) and its times. Reads are cached for a few seconds, so a poller does not cost a read per
 * request; a logout or an account change is seen by another node within that time.
 */
@Component(service = {Sessions.class, NodeSessions.class}, configurationPid = "io.sluice.auth")
public final class NodeSessions implements Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSessions.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sluice.audit");
    static final int MAX_CACHED = 10_000;
    /** How long a session read from the index is trusted before it is read again. */
    private static final Duration CACHE_FOR = Duration.ofSeconds(5);
    /** How often a used session's {@code last_used} is written. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private record Entry(Caller caller, String account, Instant expiresAt, Instant lastUsed, Instant lastWritten,
                         Instant readAt) {
    }

    private final OpenSearchClient client;
    private final Function<String, Optional<String>> accounts;
    private final SystemIndex index;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private volatile Duration idle;
    private volatile Duration maximum;

    /** Binds the node's client and the account fingerprints; reads the session lifetimes. */
    @Activate
    public NodeSessions(@Reference OpenSearchClient client, @Reference AccountFingerprints accounts, AccessConfig config) {
        this(client, accounts::of, config, Clock.systemUTC(), ".sluice-sessions");
    }

    /** For tests: any fingerprints, clock and index. */
    NodeSessions(OpenSearchClient client, Function<String, Optional<String>> accounts, AccessConfig config, Clock clock,
                 String alias) {
        this.client = client;
        this.accounts = accounts;
        this.clock = clock;
        this.index = new SystemIndex(client, alias, NodeSessions.class.getResourceAsStream("session-index.json"), LOG);
        modified(config);
        index.ensureIfReachable();
    }

    /** New lifetimes apply to every session from its next use. */
    @Modified
    void modified(AccessConfig config) {
        this.idle = Duration.ofMinutes(config.sessionIdleMinutes());
        this.maximum = Duration.ofMinutes(config.sessionMaxMinutes());
    }

    @Override
    public Session open(Caller caller) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = hash(token);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(maximum);
        String account = accounts.apply(caller.user()).orElse("");
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("user", caller.user());
        document.put("roles", caller.roles().stream().sorted().toList());
        document.put("account", account);
        document.put("created_at", now.toString());
        document.put("expires_at", expiresAt.toString());
        document.put("last_used", now.toString());
        index.write("open a session", () -> client.index(i -> i.index(index.alias()).id(id).document(document)
            .opType(OpType.Create).requireAlias(true)));
        remember(id, new Entry(caller.inSpace(Caller.DEFAULT_SPACE), account, expiresAt, now, now, now));
        AUDIT.info("session opened: {}", caller.user());
        return new Session(token, expiresAt, idle.toSeconds());
    }

    /**
     * The caller of a live session, which counts as a use of it; empty when it is unknown, closed, expired, idle too
     * long, or its account changed since it was opened (the session is then deleted).
     */
    Optional<Caller> caller(String token) {
        String id = hash(token);
        Instant now = clock.instant();
        Entry entry = cache.get(id);
        if (entry == null || now.isAfter(entry.readAt().plus(CACHE_FOR))) {
            entry = read(id, now);
            if (entry == null) {
                cache.remove(id);
                return Optional.empty();
            }
        }
        String account = accounts.apply(entry.caller().user()).orElse("");
        if (!now.isBefore(entry.expiresAt()) || !now.isBefore(entry.lastUsed().plus(idle)) || !account.equals(entry.account())) {
            delete(id);
            return Optional.empty();
        }
        Instant written = entry.lastWritten();
        if (now.isAfter(written.plus(TOUCH_EVERY))) {
            written = now;
            index.write("note a session's use", () -> client.update(u -> u.index(index.alias()).id(id)
                .doc(Map.of("last_used", now.toString())), Map.class));
        }
        remember(id, new Entry(entry.caller(), entry.account(), entry.expiresAt(), now, written, entry.readAt()));
        return Optional.of(entry.caller());
    }

    @Override
    public void close(String token) {
        Entry entry = cache.get(hash(token));
        delete(hash(token));
        AUDIT.info("session closed{}", entry == null ? "" : ": " + entry.caller().user());
    }

    private Entry read(String id, Instant now) {
        @SuppressWarnings("rawtypes")
        var response = index.read("read a session", () -> client.get(g -> g.index(index.alias()).id(id).realtime(true),
            Map.class), null);
        if (response == null || !response.found() || response.source() == null) {
            return null;
        }
        Map<?, ?> source = response.source();
        Set<String> roles = Set.copyOf(((List<?>) source.get("roles")).stream().map(String::valueOf).toList());
        Caller caller = new Caller(String.valueOf(source.get("user")), roles, Caller.DEFAULT_SPACE, Caller.Authentication.PASSWORD);
        Instant lastUsed = Instant.parse(String.valueOf(source.get("last_used")));
        return new Entry(caller, String.valueOf(source.get("account")), Instant.parse(String.valueOf(source.get("expires_at"))),
            lastUsed, lastUsed, now);
    }

    private void delete(String id) {
        cache.remove(id);
        try {
            index.read("delete a session", () -> client.delete(d -> d.index(index.alias()).id(id)), null);
        } catch (RuntimeException e) {
            // Gone already, or OpenSearch away: the session is unusable either way (it is no longer cached, and its
            // document, if any, fails the same checks on its next read).
            LOG.debug("Deleting a session: {}", e.getMessage());
        }
    }

    private void remember(String id, Entry entry) {
        if (cache.size() >= MAX_CACHED && !cache.containsKey(id)) {
            cache.entrySet().stream().min(Comparator.comparing(e -> e.getValue().readAt()))
                .ifPresent(oldest -> cache.remove(oldest.getKey()));
        }
        cache.put(id, entry);
    }

    /** Forgets the cached reads: every session is read from the index again on its next use. */
    void forgetCached() {
        cache.clear();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
