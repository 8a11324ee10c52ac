package io.sluice.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The HTTP edge, PID {@code io.sluice.rest} ({@code etc/io.sluice.rest.cfg}). */
@ObjectClassDefinition(name = "Sluice HTTP edge", description = "What every route shares.")
public @interface RestConfig {

    @AttributeDefinition(name = "Max JSON body (bytes)",
        description = "The largest JSON request body any route takes; larger ones are refused with 413.", min = "1024")
    int maxBodyBytes() default 1024 * 1024;
}
