package io.sluice.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Task store settings, PID {@code io.sluice.store} ({@code etc/io.sluice.store.cfg}). */
@ObjectClassDefinition(name = "Sluice task store", description = "Where task documents live.")
public @interface StoreConfig {

    @AttributeDefinition(name = "Index prefix",
        description = "System indices are named <prefix>-tasks and so on. Nodes sharing work must use the same prefix.")
    String indexPrefix() default ".sluice";
}
