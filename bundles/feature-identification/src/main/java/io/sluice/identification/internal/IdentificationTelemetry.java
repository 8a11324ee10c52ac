package io.sluice.identification.internal;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kibana's telemetry records of a completed identification, the OSGi way: an EventAdmin event on
 * {@value #TOPIC} ({@code count}, {@code count_by_type}, {@code stream_name}, {@code duration_ms}), and the node's
 * counters, readable over JMX as {@value #OBJECT_NAME} and at {@code GET /internal/streams/_metrics}.
 */
@Component(service = IdentificationTelemetry.class)
public final class IdentificationTelemetry {

    /** The event's topic: Kibana's event name, under Sluice's telemetry topics. */
    public static final String TOPIC = "sluice/telemetry/streams-feature-identification-identified";
    /** The JMX name of the counters. */
    public static final String OBJECT_NAME = "io.sluice:type=FeatureIdentification";

    private static final Logger LOG = LoggerFactory.getLogger(IdentificationTelemetry.class);

    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong features = new AtomicLong();
    private final AtomicLong totalMillis = new AtomicLong();
    private final AtomicLong lastMillis = new AtomicLong();
    private volatile EventAdmin events;
    private ObjectName registered;

    /** The counters as a JMX bean. */
    public interface CountersMBean {
        /** Completed identifications. */
        long getRuns();

        /** Features found, over all runs. */
        long getFeatures();

        /** Time spent, over all runs, in milliseconds. */
        long getTotalMillis();

        /** The last run's time, in milliseconds. */
        long getLastMillis();
    }

    /** Registers the counters with the platform MBean server (a failure there is logged, not fatal). */
    @Activate
    public IdentificationTelemetry() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (!server.isRegistered(name)) {
                server.registerMBean(new StandardMBean(new Counters(), CountersMBean.class), name);
                registered = name;
            }
        } catch (JMException e) {
            LOG.warn("Feature identification counters are not on JMX: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException e) {
                LOG.debug("Unregistering {}: {}", registered, e.getMessage());
            }
        }
    }

    /** EventAdmin is optional: without it, only the counters count. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEvents(EventAdmin service) {
        events = service;
    }

    void unbindEvents(EventAdmin service) {
        if (events == service) {
            events = null;
        }
    }

    /** A run completed. */
    void identified(String stream, int count, Map<String, Integer> byType, long durationMillis) {
        runs.incrementAndGet();
        features.addAndGet(count);
        totalMillis.addAndGet(durationMillis);
        lastMillis.set(durationMillis);
        EventAdmin admin = events;
        if (admin != null) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("count", count);
            properties.put("count_by_type", Map.copyOf(byType));
            properties.put("stream_name", stream);
            properties.put("duration_ms", durationMillis);
            admin.postEvent(new Event(TOPIC, properties));
        }
    }

    /** The counters now. */
    Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("runs", runs.get());
        snapshot.put("features", features.get());
        snapshot.put("total_ms", totalMillis.get());
        snapshot.put("last_ms", lastMillis.get());
        return snapshot;
    }

    /** The JMX view of the counters. */
    private final class Counters implements CountersMBean {
        @Override
        public long getRuns() {
            return runs.get();
        }

        @Override
        public long getFeatures() {
            return features.get();
        }

        @Override
        public long getTotalMillis() {
            return totalMillis.get();
        }

        @Override
        public long getLastMillis() {
            return lastMillis.get();
        }
    }
}
