package io.sluice.auth.internal;

import io.sluice.auth.AuthenticationException;
import io.sluice.auth.Authenticator;
import io.sluice.auth.Caller;
import io.sluice.auth.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passwords against the Karaf JAAS realm ({@code karaf} by default: {@code etc/users.properties}), API keys against
 * the key index. A successful login is remembered for {@code loginCacheSeconds}, keyed by a hash of the password, so
 * that pollers do not run a JAAS login on every request. Failed attempts are logged to {@code io.sluice.audit} without
 * any secret.
 */
@Component(service = Authenticator.class, configurationPid = "io.sluice.auth")
public final class JaasAuthenticator implements Authenticator {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sluice.audit");
    private static final int MAX_CACHED = 10_000;

    private record Cached(Caller caller, long until) {
    }

    private final NodeTaskApiKeys keys;
    private final String realm;
    private final Duration cacheFor;
    private final Map<String, Cached> logins = new ConcurrentHashMap<>();

    /** Binds the key service; reads the realm and cache time. */
    @Activate
    public JaasAuthenticator(@Reference NodeTaskApiKeys keys, AccessConfig config) {
        this.keys = keys;
        this.realm = config.realm();
        this.cacheFor = Duration.ofSeconds(config.loginCacheSeconds());
    }

    @Override
    public Caller authenticate(Credentials credentials, String space) {
        if (credentials instanceof Credentials.ApiKey key) {
            Caller caller;
            try {
                caller = keys.verify(key.id(), key.secret()).caller();
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
        String cacheKey = password.user() + '\n' + sha256(password.password()) + '\n' + space;
        Cached cached = logins.get(cacheKey);
        long now = System.nanoTime();
        if (cached != null && now < cached.until()) {
            return cached.caller();
        }
        Caller caller = login(password, space);
        if (!cacheFor.isZero()) {
            if (logins.size() >= MAX_CACHED) {
                logins.clear();
            }
            logins.put(cacheKey, new Cached(caller, now + cacheFor.toNanos()));
        }
        return caller;
    }

    private Caller login(Credentials.Password password, String space) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // JAAS loads login modules through the context class loader: make it one that sees Karaf's.
        thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
        try {
            Subject subject = new Subject();
            LoginContext login = new LoginContext(realm, subject, callbacks -> {
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
            return new Caller(password.user(), roles, space, Caller.Authentication.PASSWORD);
        } catch (LoginException e) {
            AUDIT.warn("authentication failed: user {} (realm {})", password.user(), realm);
            throw new AuthenticationException("invalid user name or password");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
