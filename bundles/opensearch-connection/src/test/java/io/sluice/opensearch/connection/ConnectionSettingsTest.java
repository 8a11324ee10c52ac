package io.sluice.opensearch.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    @Test
    void hostsWithoutPortGetTheOpenSearchDefault() {
        assertEquals(List.of(URI.create("https://search-1:9200"), URI.create("http://127.0.0.1:9201")),
            ConnectionSettings.parseHosts(new String[] {"https://search-1", " http://127.0.0.1:9201/ ", ""}));
        assertEquals(List.of(URI.create("http://a:9200"), URI.create("http://b:9201")),
            ConnectionSettings.parseHosts(new String[] {"http://a, http://b:9201"}));
    }

    @Test
    void badHostsAreRejectedWithTheEntryNamed() {
        IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class,
            () -> ConnectionSettings.parseHosts(new String[] {"search-1:9200"}));
        assertTrue(noScheme.getMessage().contains("search-1:9200"), noScheme.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.parseHosts(new String[] {"ftp://x"}));
        assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.parseHosts(new String[] {"http://x:9200/prefix"}));
        assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.parseHosts(new String[] {" "}));
    }

    @Test
    void aMissingTrustStoreIsReportedByPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ConnectionSettings.sslContext("/nonexistent/ca.pem", ""));
        assertTrue(e.getMessage().contains("/nonexistent/ca.pem"), e.getMessage());
    }
}
