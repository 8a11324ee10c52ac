package io.sluice.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The node's meter registry, published as a {@link MeterRegistry} service with {@code sluice.metrics=node}: the
 * scheduler and the task store add it to their own registries, so every meter they keep shows here, as JMX MBeans
 * (domain {@code jmxDomain}) and in Prometheus text format at {@code /api/metrics}. The JVM's memory, threads, CPU
 * and uptime are added beside them, since an operator reads those first when figures turn bad.
 */
@Component(service = {MeterRegistry.class, NodeMeterRegistry.class}, property = "sluice.metrics=node",
    configurationPid = "io.sluice.metrics")
@Designate(ocd = MetricsConfig.class)
public final class NodeMeterRegistry extends CompositeMeterRegistry {

    private final JmxMeterRegistry jmx;
    private final PrometheusMeterRegistry prometheus;

    /** Opens the JMX and Prometheus registries. */
    @Activate
    public NodeMeterRegistry(MetricsConfig config) {
        config().pauseDetector(new NoPauseDetector());
        this.jmx = new JmxMeterRegistry(new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return config.jmxDomain();
            }
        }, Clock.SYSTEM);
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        add(jmx);
        add(prometheus);
        new JvmMemoryMetrics().bindTo(this);
        new JvmThreadMetrics().bindTo(this);
        new ProcessorMetrics().bindTo(this);
        new UptimeMetrics().bindTo(this);
    }

    /** Unregisters the MBeans. */
    @Deactivate
    void deactivate() {
        close();
        jmx.close();
        prometheus.close();
    }

    /** Every meter in Prometheus text format (version 0.0.4). */
    String scrape() {
        return prometheus.scrape();
    }
}
