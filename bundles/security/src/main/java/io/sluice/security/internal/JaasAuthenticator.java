package io.sluice.security.internal;

import io.sluice.auth.Caller;
import io.sluice.security.AuthenticationException;
import io.sluice.security.Authenticator;
import io.sluice.security.Credentials;
import io.sluice.security.LoginThrottledException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passwords against the Karaf JAAS realm ({@code karaf} by default: {@code etc/users.properties}), API keys against
 * the key index.
 *
 * <p>A JAAS login costs a file read and a hash comparison, too much for a poller's every request, so a successful
 * password login is remembered for {@code loginCacheSeconds}: keyed by the user and an HMAC of the password under a
 * key made at start and kept in memory only (never the password), at most {@value #MAX_CACHED} entries, least recently used evicted first. The cache is emptied when the
 * access configuration changes, when a JAAS realm comes or goes, and when the users file changes (checked at most once
 * a second), so a changed or removed password stops working at once; a browser session ({@link NodeSessions}) ends when its
 * account's line in that file changes. API keys are checked against the key index on
 * every request, so a revoked key is refused on its next use. Failed attempts are logged to {@code io.sluice.audit}
 * without any secret.
 */
@Component(service = Authenticator.class, configurationPid = "io.sluice.auth")
public final class JaasAuthenticator implements Authenticator {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sluice.audit");
    static final int MAX_CACHED = 10_000;
    private static final long USERS_FILE_CHECK_NANOS = 1_000_000_000L;

    private record Cached(Caller caller, long until) {
    }

    private final NodeTaskApiKeys keys;
    private final NodeSessions sessions;
    private final Path usersFile;
    private volatile String realm;
    private volatile Duration cacheFor;
    // Guarded by itself: an access-ordered map is the LRU.
    private final Map<String, Cached> logins = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_CACHED;
        }
    };
    // Bumped whenever the cache is emptied: a login that began before must not be remembered after.
    private long generation;
    // Keys the cache by an HMAC of the password under a key that lives only in this process, so the cache holds
    // nothing that could be checked offline against a list of guesses.
    private final Mac passwordMac;
    private final LoginThrottle throttle;
    private volatile long usersFileCheckedAt;
    private volatile long usersFileModified;

    /** Binds the key service; reads the realm and cache time. */
    @Activate
    public JaasAuthenticator(@Reference NodeTaskApiKeys keys, @Reference NodeSessions sessions, AccessConfig config,
                             BundleContext context) {
        this.keys = keys;
        this.sessions = sessions;
        this.passwordMac = newMac();
        String etc = context.getProperty("karaf.etc");
        this.usersFile = etc == null ? null : Path.of(etc, "users.properties");
        this.usersFileModified = modified();
        this.throttle = new LoginThrottle(limits(config), System::nanoTime);
        modified(config);
    }

    /** A changed configuration applies at once, and forgets every remembered login. */
    @Modified
    void modified(AccessConfig config) {
        this.realm = config.realm();
        this.cacheFor = Duration.ofSeconds(config.loginCacheSeconds());
        throttle.limits(limits(config));
        forgetLogins();
    }

    private static LoginThrottle.Limits limits(AccessConfig config) {
        return new LoginThrottle.Limits(Math.max(1, config.loginFailuresPerUser()), Math.max(1, config.loginFailuresPerAddress()),
            Duration.ofMinutes(Math.max(1, config.loginThrottleWindowMinutes())),
            Duration.ofSeconds(Math.max(1, config.loginThrottleFirstDelaySeconds())),
            Duration.ofSeconds(Math.max(1, config.loginThrottleMaxDelaySeconds())));
    }

    /** A JAAS realm appearing or going away may change who can log in. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRealm(JaasRealm realm) {
        forgetLogins();
    }

    void unbindRealm(JaasRealm realm) {
        forgetLogins();
    }

    @Override
    public Caller authenticate(Credentials credentials, String space) {
        return authenticate(credentials, space, null);
    }

    @Override
    public Caller authenticate(Credentials credentials, String space, String clientAddress) {
        if (credentials instanceof Credentials.Session session) {
            checkUsersFile();
            return sessions.caller(session.token()).map(caller -> caller.inSpace(space))
                .orElseThrow(() -> new AuthenticationException("the session has ended: log in again"));
        }
        if (credentials instanceof Credentials.ApiKey key) {
            Caller caller;
            try {
                caller = keys.verify(key.id(), key.secret());
            } catch (AuthenticationException e) {
                AUDIT.warn("authentication failed: API key {}: {}", key.id(), e.getMessage());
                throw e;
            }
            if (!caller.space().equals(space)) {
                AUDIT.warn("authentication failed: API key {} is for space {}, not {}", key.id(), caller.space(), space);
                throw new AuthenticationException("this API key is not valid in space " + space);
            }
            return caller;
        }
        Credentials.Password password = (Credentials.Password) credentials;
        checkUsersFile();
        String cacheKey = password.user() + '\n' + mac(password.password());
        long now = System.nanoTime();
        Cached cached;
        long loginGeneration;
        synchronized (logins) {
            cached = logins.get(cacheKey);
            loginGeneration = generation;
        }
        if (cached != null && now - cached.until() < 0) {
            return cached.caller().inSpace(space);
        }
        // Only a password that was checked and proved right is remembered, so a throttled name or address gets here
        // for every attempt, right or wrong.
        Optional<Duration> wait = throttle.wait(password.user(), clientAddress);
        if (wait.isPresent()) {
            AUDIT.warn("authentication refused unchecked: user {} from {}: too many failed logins, {} s to wait",
                password.user(), clientAddress, Math.max(1, wait.get().toSeconds()));
            throw new LoginThrottledException(wait.get());
        }
        Caller caller;
        try {
            caller = login(password);
        } catch (AuthenticationException e) {
            throttle.failed(password.user(), clientAddress);
            throw e;
        }
        throttle.succeeded(password.user());
        Duration keep = cacheFor;
        if (!keep.isZero()) {
            synchronized (logins) {
                if (generation == loginGeneration) {
                    logins.put(cacheKey, new Cached(caller, now + keep.toNanos()));
                }
            }
        }
        return caller.inSpace(space);
    }

    /** How many logins are remembered now. */
    int cachedLogins() {
        synchronized (logins) {
            return logins.size();
        }
    }

    private void forgetLogins() {
        synchronized (logins) {
            logins.clear();
            generation++;
        }
        // Sessions check their account on use; cached reads of them are dropped with the logins.
        if (sessions != null) {
            sessions.forgetCached();
        }
    }

    /** Forgets every login when the users file changed since the last look; looks at most once a second. */
    private void checkUsersFile() {
        long now = System.nanoTime();
        if (usersFile == null || now - usersFileCheckedAt < USERS_FILE_CHECK_NANOS) {
            return;
        }
        usersFileCheckedAt = now;
        long current = modified();
        if (current != usersFileModified) {
            usersFileModified = current;
            forgetLogins();
        }
    }

    private long modified() {
        try {
            return usersFile == null ? 0 : Files.getLastModifiedTime(usersFile).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private Caller login(Credentials.Password password) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // JAAS loads login modules through the context class loader: make it one that sees Karaf's.
        thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
        String realmName = realm;
        try {
            Subject subject = new Subject();
            LoginContext login = new LoginContext(realmName, subject, callbacks -> {
                for (var callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(password.user());
                    } else if (callback instanceof PasswordCallback secret) {
                        secret.setPassword(password.password().toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            Set<String> roles = subject.getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName)
                .collect(Collectors.toUnmodifiableSet());
            login.logout();
            return new Caller(password.user(), roles, Caller.DEFAULT_SPACE, Caller.Authentication.PASSWORD);
        } catch (LoginException e) {
            AUDIT.warn("authentication failed: user {} (realm {})", password.user(), realmName);
            throw new AuthenticationException("invalid user name or password");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private String mac(String value) {
        byte[] digest;
        synchronized (passwordMac) {
            digest = passwordMac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest);
    }

    private static Mac newMac() {
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }
}
