package io.sluice.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the node's meter registry ({@code config:edit io.sluice.metrics}). */
@ObjectClassDefinition(name = "Sluice metrics", description = "Where the node's meters are published: JMX and /api/metrics")
public @interface MetricsConfig {

    @AttributeDefinition(name = "JMX domain", description = "The domain of the MBeans the meters appear as (jconsole, hawtio)")
    String jmxDomain() default "sluice";

    @AttributeDefinition(name = "Health figures' age (ms)",
        description = "How long a read of the health figures serves the gauges: a scrape reads every gauge, and each health "
            + "read costs the task store a search")
    long healthMaxAgeMillis() default 1000;
}
