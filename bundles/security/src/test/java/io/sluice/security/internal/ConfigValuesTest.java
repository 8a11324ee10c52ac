package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configuration built outside DS answers what DS would: the given settings, and the metatype default for the rest. */
class ConfigValuesTest {

    @Test
    void givenSettingsWinAndEveryOtherSettingIsItsDefault() {
        AccessConfig config = ConfigValues.of(AccessConfig.class, Map.<String, Object>of("grants", new String[] {"ops:read:logs*"},
            "loginFailuresPerUser", 3)::get);
        assertArrayEquals(new String[] {"ops:read:logs*"}, config.grants());
        assertEquals(3, config.loginFailuresPerUser());
        assertEquals("karaf", config.realm());
        assertEquals(100, config.loginFailuresPerAddress());
        assertArrayEquals(new String[] {"admin"}, config.adminRoles());
        assertEquals(AccessConfig.class, config.annotationType());
    }

    @Test
    void anyTypedConfigurationWorksTheSameWay() {
        ApiKeyConfig config = ConfigValues.of(ApiKeyConfig.class, Map.<String, Object>of("indexPrefix", ".k")::get);
        assertEquals(".k", config.indexPrefix());
        assertEquals("", config.encryptionKey());
        assertEquals(ApiKeyConfig.class, config.annotationType());
    }

    @Test
    void anArrayHandedOutIsACopySoACallerCannotChangeTheSetting() {
        AccessConfig config = ConfigValues.of(AccessConfig.class, setting -> null);
        config.adminRoles()[0] = "everyone";
        assertArrayEquals(new String[] {"admin"}, config.adminRoles());
    }
}
