package io.sluice.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Who may do what, PID {@code io.sluice.auth} ({@code etc/io.sluice.auth.cfg}). Changes apply at once. */
@ObjectClassDefinition(name = "Sluice access", description = "Privileges of roles on streams.")
public @interface AccessConfig {

    @AttributeDefinition(name = "Grants",
        description = "Entries <role>:<read|manage>:<stream pattern>, for example viewer:read:logs*. manage implies read.")
    String[] grants() default {"admin:manage:*"};

    @AttributeDefinition(name = "JAAS realm", description = "The Karaf JAAS realm HTTP passwords are checked against.")
    String realm() default "karaf";

    @AttributeDefinition(name = "Login cache (s)",
        description = "How long a successful password login is remembered, so that pollers do not log in every time.", min = "0")
    int loginCacheSeconds() default 10;

    @AttributeDefinition(name = "Session idle time (min)",
        description = "A browser session unused this long ends.", min = "1")
    int sessionIdleMinutes() default 30;

    @AttributeDefinition(name = "Session lifetime (min)",
        description = "A browser session ends this long after its login, however active.", min = "1")
    int sessionMaxMinutes() default 480;

    @AttributeDefinition(name = "Admin roles",
        description = "Roles that administer the task service: every stream, and tasks that have no stream.")
    String[] adminRoles() default {"admin"};
}
