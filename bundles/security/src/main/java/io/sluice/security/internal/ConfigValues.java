package io.sluice.security.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A typed configuration ({@link AccessConfig}, {@link ApiKeyConfig}, ...) built outside Declarative Services, as DS
 * builds one from a configuration that holds only some settings: each named setting answers its given value, every
 * other its metatype default. Lets a test, a benchmark or a tool state only the settings it cares about, so that a
 * setting added later needs no edit there.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** The defaults of {@code type}, with {@code settings} (name to value, {@code null} for the default) read on every call. */
    public static <A extends Annotation> A of(Class<A> type, Function<String, Object> settings) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
            (proxy, method, args) -> switch (method.getName()) {
                case "annotationType" -> type;
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> describe(type, proxy);
                default -> {
                    Object value = settings.apply(method.getName());
                    Object answer = value != null ? value : method.getDefaultValue();
                    yield answer instanceof Object[] values ? values.clone() : answer; // as an annotation answers
                }
            }));
    }

    private static String describe(Class<?> type, Object config) throws ReflectiveOperationException {
        StringBuilder text = new StringBuilder("@").append(type.getSimpleName()).append('(');
        for (Method setting : type.getDeclaredMethods()) {
            Object value = setting.invoke(config);
            text.append(setting.getName()).append('=')
                .append(value instanceof Object[] values ? Arrays.toString(values) : value).append(", ");
        }
        return text.append(')').toString();
    }
}
