package io.sluice.security.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.function.Function;

/**
 * An {@link AccessConfig} built outside Declarative Services, as DS builds one from a configuration that holds only
 * some settings: each named setting answers its given value, every other its metatype default. Lets a test, a
 * benchmark or a tool state only the settings it cares about, so that a setting added later needs no edit there.
 */
public final class AccessConfigValues {

    private AccessConfigValues() {
    }

    /** The defaults, with {@code settings} (setting name to value, {@code null} for the default) read on every call. */
    public static AccessConfig withSettings(Function<String, Object> settings) {
        return (AccessConfig) Proxy.newProxyInstance(AccessConfig.class.getClassLoader(), new Class<?>[] {AccessConfig.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "annotationType" -> AccessConfig.class;
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> describe(proxy);
                default -> {
                    Object value = settings.apply(method.getName());
                    Object answer = value != null ? value : method.getDefaultValue();
                    yield answer instanceof Object[] values ? values.clone() : answer; // as an annotation answers
                }
            });
    }

    private static String describe(Object config) throws ReflectiveOperationException {
        StringBuilder text = new StringBuilder("@AccessConfig(");
        for (Method setting : AccessConfig.class.getDeclaredMethods()) {
            Object value = setting.invoke(config);
            text.append(setting.getName()).append('=')
                .append(value instanceof Object[] values ? Arrays.toString(values) : value).append(", ");
        }
        return text.append(')').toString();
    }
}
