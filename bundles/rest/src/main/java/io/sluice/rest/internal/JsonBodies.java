package io.sluice.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.task.json.TaskJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.Consumes;
import javax.ws.rs.NotSupportedException;
import javax.ws.rs.Produces;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.ext.MessageBodyReader;
import javax.ws.rs.ext.MessageBodyWriter;

/**
 * JSON bodies, in and out, with Sluice's one mapping ({@link TaskJson}: {@code snake_case}, ISO-8601 instants).
 *
 * <p>Input is strict, enforced by the mapper rather than by each route: {@code application/json} in UTF-8 only, at most
 * {@code maxBytes}, one JSON value and nothing after it, no duplicate keys, no unknown fields, no silent conversions
 * ({@code "3"} is not 3). Every refusal is a 400 (413 for size, 415 for the media type) whose message names the field
 * and never a Java type.
 */
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
final class JsonBodies implements MessageBodyReader<Object>, MessageBodyWriter<Object> {

    /** The mappers of one route's bundle. */
    private record Mappers(ObjectMapper writer, ObjectMapper reader) {
    }

    private final ObjectMapper mapper;
    // Jackson remembers every class it has bound: one pair of mappers per bundle that owns routes, dropped when the
    // bundle stops, so a plugin's bodies never pin its class loader after a bundle:update.
    private final Map<ClassLoader, Mappers> byOwner = new ConcurrentHashMap<>();
    private volatile int maxBytes;

    @Context
    private ResourceInfo resource;

    JsonBodies(ObjectMapper mapper, int maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /** Forgets the mappers of a bundle whose routes are going away. */
    void forget(ClassLoader owner) {
        byOwner.remove(owner);
    }

    /** How many bundles' mappers are held (for tests). */
    int owners() {
        return byOwner.size();
    }

    private Mappers mappers() {
        Class<?> route = resource == null ? null : resource.getResourceClass();
        ClassLoader owner = route == null || route.getClassLoader() == null
            ? JsonBodies.class.getClassLoader() : route.getClassLoader();
        return byOwner.computeIfAbsent(owner, o -> new Mappers(mapper.copy(), TaskJson.strict(mapper.copy())));
    }

    /** A new body limit, from the next request on. */
    void maxBytes(int bytes) {
        this.maxBytes = bytes;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return isJson(mediaType) && !isRaw(type);
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream entity) throws IOException {
        String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw new NotSupportedException("JSON bodies must be UTF-8, not " + RequestPaths.printable(charset));
        }
        byte[] body = readLimited(entity);
        if (body.length == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        ObjectMapper reader = mappers().reader();
        ObjectReader bind = reader.readerFor(reader.getTypeFactory().constructType(genericType != null ? genericType : type));
        try {
            Object value = bind.readValue(body);
            if (value == null) {
                throw new BadRequestException("the body must be a JSON object, not null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not acceptable: " + TaskJson.describe(e));
        }
    }

    /** The body, or a 413 once it passes {@code maxBytes}; a body that breaks off is the client's fault (400). */
    private byte[] readLimited(InputStream entity) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = entity.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw new WebApplicationException("the body is larger than the limit of " + maxBytes + " bytes",
                        HttpJson.error(413, "the body is larger than the limit of " + maxBytes + " bytes"));
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new BadRequestException("the request body could not be read (broken off or malformed)");
        }
        return out.toByteArray();
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return (mediaType == null || mediaType.isWildcardType() || isJson(mediaType)) && !isRaw(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream entity) throws IOException {
        mappers().writer().writeValue(new NonClosing(entity), value);
    }

    private static boolean isJson(MediaType mediaType) {
        return mediaType != null && mediaType.getType().toLowerCase(Locale.ROOT).equals("application")
            && mediaType.getSubtype().toLowerCase(Locale.ROOT).equals("json");
    }

    /** Types JAX-RS reads and writes as they are. */
    private static boolean isRaw(Class<?> type) {
        return type == String.class || type == byte[].class || InputStream.class.isAssignableFrom(type)
            || javax.ws.rs.core.StreamingOutput.class.isAssignableFrom(type);
    }

    /** Jackson closes what it writes to; the container owns the response stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
