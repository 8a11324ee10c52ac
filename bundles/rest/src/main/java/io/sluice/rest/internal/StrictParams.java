package io.sluice.rest.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;
import javax.ws.rs.ext.ParamConverter;
import javax.ws.rs.ext.ParamConverterProvider;

/**
 * Numbers and flags in query and path parameters, parsed strictly. JAX-RS answers an unparsable parameter with a 404
 * of its own; here it is a 400 that names the parameter: {@code size=} and {@code size=abc} are refused, as are
 * numbers out of range. A flag given without a value ({@code ?schedule}) is true, as in Kibana's routes.
 */
final class StrictParams implements ParamConverterProvider {

    /** JAX-RS asks for a converter on every request: one per parameter is made, then kept. */
    private final java.util.Map<java.util.List<Object>, ParamConverter<?>> made = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != Integer.class && rawType != Long.class && rawType != Boolean.class) {
            return null;
        }
        return (ParamConverter<T>) made.computeIfAbsent(java.util.List.of(rawType, name(annotations)),
            key -> converter(rawType, (String) key.get(1)));
    }

    @SuppressWarnings("unchecked")
    private static <T> ParamConverter<T> converter(Class<T> rawType, String name) {
        if (rawType == Integer.class) {
            return (ParamConverter<T>) new Converter<>(name, "an integer", value -> Integer.valueOf(value.trim().isEmpty()
                ? fail() : value));
        }
        if (rawType == Long.class) {
            return (ParamConverter<T>) new Converter<>(name, "an integer", value -> Long.valueOf(value.trim().isEmpty()
                ? fail() : value));
        }
        if (rawType == Boolean.class) {
            return (ParamConverter<T>) new Converter<>(name, "true or false", value -> switch (value) {
                case "", "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException();
            });
        }
        return null;
    }

    private static String fail() {
        throw new IllegalArgumentException("empty");
    }

    private static String name(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return "query parameter '" + query.value() + "'";
            }
            if (annotation instanceof PathParam path) {
                return "path parameter '" + path.value() + "'";
            }
        }
        return "a parameter";
    }

    private record Converter<T>(String name, String expected, java.util.function.Function<String, T> parse)
        implements ParamConverter<T> {

        @Override
        public T fromString(String value) {
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(name + " must be " + expected + ", got '" + RequestPaths.printable(value) + "'");
            }
        }

        @Override
        public String toString(T value) {
            return String.valueOf(value);
        }
    }
}
