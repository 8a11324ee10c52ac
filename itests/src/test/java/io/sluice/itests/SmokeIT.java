package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.HealthStatus;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The distribution boots: every Sluice bundle is active and the node's OpenSearch client talks to a real node. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SmokeIT {

    private static final List<String> SLUICE_BUNDLES = List.of(
        "io.sluice.task.api",
        "io.sluice.opensearch.client",
        "io.sluice.opensearch.connection",
        "io.sluice.task.store",
        "io.sluice.security",
        "io.sluice.scoped.clients",
        "io.sluice.scheduler",
        "io.sluice.streams",
        "io.sluice.feature.identification",
        "io.sluice.rest",
        "io.sluice.jetty.errors",
        "io.sluice.shell",
        "io.sluice.web",
        "io.sluice.metrics");

    /** Fragments are resolved into their host, never started. */
    private static final String FRAGMENT = "io.sluice.jetty.errors";

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    OpenSearchClient client;

    @Configuration
    public Option[] configuration() {
        return SluiceContainer.options();
    }

    @Test
    public void everySluiceBundleIsActive() {
        // The probe may start while Karaf still provisions the boot features: wait for them, not for luck.
        Map<String, String> expected = SLUICE_BUNDLES.stream()
            .collect(Collectors.toMap(n -> n, n -> n.equals(FRAGMENT) ? "RESOLVED" : "ACTIVE", (a, b) -> a, TreeMap::new));
        Await.until(Duration.ofSeconds(60), () -> expected.equals(sluiceBundleStates()), () -> sluiceBundleStates().toString());
    }

    private Map<String, String> sluiceBundleStates() {
        return Arrays.stream(context.getBundles())
            .filter(b -> b.getSymbolicName().startsWith("io.sluice."))
            .collect(Collectors.toMap(Bundle::getSymbolicName, SmokeIT::stateName, (a, b) -> a + "," + b, TreeMap::new));
    }

    @Test
    public void theClientServiceAnswersClusterHealth() throws Exception {
        HealthStatus status = client.cluster().health().status();
        assertTrue("cluster health " + status, status == HealthStatus.Green || status == HealthStatus.Yellow);
    }

    @Test
    public void theStatusProbeAnswersWithoutCredentials() throws Exception {
        URI status = URI.create("http://127.0.0.1:" + System.getProperty(SluiceContainer.HTTP_PORT) + "/api/status");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<?>[] last = new HttpResponse<?>[1];
        Await.until(Duration.ofSeconds(60), () -> {
            try {
                last[0] = http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
                return last[0].statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? "no answer" : last[0].statusCode() + " " + last[0].body());
        @SuppressWarnings("unchecked")
        HttpResponse<String> response = (HttpResponse<String>) last[0];
        assertTrue(response.body(), response.body().contains("\"store_status\":\"green\"")
            || response.body().contains("\"store_status\":\"yellow\""));
    }

    private static String stateName(Bundle bundle) {
        switch (bundle.getState()) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.STARTING: return "STARTING";
            default: return "STATE-" + bundle.getState();
        }
    }
}
