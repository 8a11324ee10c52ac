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

    @AttributeDefinition(name = "Free failed logins per user",
        description = "Failed password logins a user name may have in the window before each further attempt must wait "
            + "(the first wait, then twice as long each time); sooner attempts get 429 with Retry-After, unchecked")
    int loginFailuresPerUser() default 10;

    @AttributeDefinition(name = "Free failed logins per client address",
        description = "The same, counted per client address over every user name it tries")
    int loginFailuresPerAddress() default 100;

    @AttributeDefinition(name = "Failed logins window (min)", description = "How long failed logins are counted")
    int loginThrottleWindowMinutes() default 15;

    @AttributeDefinition(name = "First wait after the free failed logins (s)", description = "Doubles with each further failure")
    int loginThrottleFirstDelaySeconds() default 1;

    @AttributeDefinition(name = "Longest wait after failed logins (s)")
    int loginThrottleMaxDelaySeconds() default 300;

    @AttributeDefinition(name = "Admin roles",
        description = "Roles that administer the task service: every stream, and tasks that have no stream.")
    String[] adminRoles() default {"admin"};
}
