package io.sluice.opensearch.connection;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Parsing and checking of the connection settings, kept apart so it can be tested without a framework. */
final class ConnectionSettings {

    private ConnectionSettings() {
    }

    /**
     * Parses host URLs; a missing port means 9200. An entry may hold several URLs separated by commas, as a
     * {@code .cfg} file gives them.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    static List<URI> parseHosts(String[] hosts) {
        List<URI> result = new ArrayList<>();
        for (String host : java.util.Arrays.stream(hosts).flatMap(h -> java.util.Arrays.stream(h.split(","))).map(String::trim).toList()) {
            if (host.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(host);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("hosts: '" + host + "' is not a URL: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("hosts: '" + host + "' must start with http:// or https://");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("hosts: '" + host + "' names no host");
            }
            if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                throw new IllegalArgumentException("hosts: '" + host + "' must not have a path");
            }
            int port = uri.getPort() == -1 ? 9200 : uri.getPort();
            result.add(URI.create(scheme + "://" + uri.getHost() + ":" + port));
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("hosts: at least one OpenSearch URL is required");
        }
        return List.copyOf(result);
    }

    /** The TLS context: the JVM default, or one trusting the given PEM file or trust store. */
    static SSLContext sslContext(String trustStore, String password) {
        try {
            if (trustStore.isBlank()) {
                return SSLContext.getDefault();
            }
            Path path = Path.of(trustStore.trim());
            KeyStore keys;
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer")) {
                keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(null, null);
                try (InputStream in = Files.newInputStream(path)) {
                    int i = 0;
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        keys.setCertificateEntry("ca-" + i++, certificate);
                    }
                }
            } else {
                keys = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
                try (InputStream in = Files.newInputStream(path)) {
                    keys.load(in, password.isEmpty() ? null : password.toCharArray());
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore: cannot load '" + trustStore + "': " + e.getMessage(), e);
        }
    }
}
