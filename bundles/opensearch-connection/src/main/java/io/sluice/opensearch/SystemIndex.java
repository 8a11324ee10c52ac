package io.sluice.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.task.StoreUnavailableException;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.Objects;
import org.opensearch.client.json.JsonpDeserializer;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.indices.IndexSettings;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.slf4j.Logger;

/**
 * A system index of Sluice: a hidden index {@code <alias>-v1} behind an alias, written only with the node's own
 * credentials, created from a JSON definition ({@code settings} and {@code mappings}).
 *
 * <p>Writes require the alias, so a deleted index is never auto-created with a guessed mapping: {@link #write} creates
 * it again from its definition, says so in the log, and retries once. Every client error becomes one of the task API's
 * errors here ({@link #failure}), so no client exception or class name reaches a caller.
 *
 * <pre>{@code
 * SystemIndex tasks = new SystemIndex(client, ".sluice-tasks", TaskStore.class.getResourceAsStream("task-index.json"), log);
 * tasks.write("create task 7", () -> client.index(i -> i.index(tasks.alias()).id("7").document(doc).requireAlias(true)));
 * }</pre>
 */
public final class SystemIndex {

    /** A conditional write found the document changed (or already created): OpenSearch answered 409. */
    public static final class VersionConflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VersionConflict(String what) {
            super("conflict: " + what + " (the document changed since it was read)");
        }
    }

    /** A client call; may throw what the client throws. */
    @FunctionalInterface
    public interface Call<T> {
        /** Runs the call. */
        T run() throws IOException;
    }

    private final OpenSearchClient client;
    private final String alias;
    private final String concreteIndex;
    private final JsonNode definition;
    private final Logger log;

    /**
     * @param client the node's client
     * @param alias the name the index is addressed by, for example {@code .sluice-tasks}
     * @param definition the index definition as JSON: {@code {"settings": {...}, "mappings": {...}}}
     * @param log where creation and recreation are reported
     */
    public SystemIndex(OpenSearchClient client, String alias, InputStream definition, Logger log) {
        this.client = Objects.requireNonNull(client, "client");
        this.alias = Objects.requireNonNull(alias, "alias");
        this.concreteIndex = alias + "-v1";
        this.log = Objects.requireNonNull(log, "log");
        try (InputStream in = Objects.requireNonNull(definition, "definition")) {
            this.definition = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the definition of index " + alias, e);
        }
    }

    /** The alias every read and write addresses. */
    public String alias() {
        return alias;
    }

    /**
     * Creates the index and its alias unless they exist. Safe on every node at once: losing the race is success.
     *
     * @throws StoreUnavailableException if OpenSearch cannot be asked
     */
    public void ensure() {
        try {
            if (client.indices().existsAlias(a -> a.name(alias)).value()) {
                return;
            }
            TypeMapping mappings = parse(TypeMapping._DESERIALIZER, definition.get("mappings"));
            IndexSettings settings = parse(IndexSettings._DESERIALIZER, definition.get("settings"));
            client.indices().create(c -> c.index(concreteIndex).settings(settings).mappings(mappings)
                .aliases(alias, a -> a.isWriteIndex(true)));
            log.info("Created index {} (alias {})", concreteIndex, alias);
        } catch (IOException | OpenSearchException e) {
            if (e instanceof OpenSearchException o && "resource_already_exists_exception".equals(o.error().type())) {
                return;
            }
            throw failure("create index " + concreteIndex, e);
        }
    }

    /**
     * Creates the index if OpenSearch answers; otherwise logs why and carries on, since OpenSearch may come up after
     * Sluice and the first write creates the index anyway.
     */
    public void ensureIfReachable() {
        try {
            ensure();
        } catch (StoreUnavailableException e) {
            log.warn("Index {} not checked at start: {}", alias, e.getMessage());
        }
    }

    /**
     * Runs a write that requires the alias. If the index is missing, creates it again, logs that documents stored
     * before are gone, and retries once.
     *
     * @throws VersionConflict if OpenSearch answered 409 (a conditional write lost)
     * @throws StoreUnavailableException or another task API error, as {@link #failure} maps it
     */
    public <T> T write(String what, Call<T> write) {
        try {
            return write.run();
        } catch (IOException | OpenSearchException e) {
            if (!isIndexMissing(e)) {
                throw writeFailure(what, e);
            }
        }
        log.warn("Index {} was missing: creating it again (documents stored before are gone) and retrying: {}", alias, what);
        ensure();
        try {
            return write.run();
        } catch (IOException | OpenSearchException e) {
            throw writeFailure(what, e);
        }
    }

    private static RuntimeException writeFailure(String what, Exception e) {
        return status(e) == 409 ? new VersionConflict(what) : failure(what, e);
    }

    /**
     * Runs a read; a missing index reads as {@code whenMissing}.
     *
     * @throws StoreUnavailableException or another task API error, as {@link #failure} maps it
     */
    public <T> T read(String what, Call<T> read, T whenMissing) {
        try {
            return read.run();
        } catch (IOException | OpenSearchException e) {
            if (isIndexMissing(e)) {
                return whenMissing;
            }
            throw failure(what, e);
        }
    }

    /** Whether a client error says the index (or alias) does not exist. */
    public static boolean isIndexMissing(Exception e) {
        return e instanceof OpenSearchException o && o.status() == 404 && "index_not_found_exception".equals(o.error().type());
    }

    /**
     * The HTTP status of a client error, or -1 if OpenSearch did not answer. The client reports some statuses (409
     * among them) as a {@link ResponseException}, an IOException, rather than an {@link OpenSearchException}
     * (opensearch-java#1891), so both are looked at.
     */
    public static int status(Exception e) {
        if (e instanceof OpenSearchException o) {
            return o.status();
        }
        if (e instanceof ResponseException r) {
            return r.status();
        }
        return -1;
    }

    /**
     * The one place client errors become task API errors. A request OpenSearch refused as malformed (400, 404, 413) is
     * an {@link IllegalArgumentException} naming what was refused and OpenSearch's reason: the caller asked for
     * something impossible (HTTP 400). Everything else is {@link StoreUnavailableException} (HTTP 503): OpenSearch
     * unreachable, failing (5xx), overloaded (429), refusing the node's own credentials (401, 403) or blocking writes
     * (a read-only index, as a full disk sets it). Never a class name. Callers that expect a status (409 on a
     * conditional write) check {@link #status} first.
     */
    public static RuntimeException failure(String what, Exception e) {
        int status = status(e);
        if (status == 400 || status == 404 || status == 413) {
            return new IllegalArgumentException("OpenSearch refused to " + what + ": " + reason(e));
        }
        return new StoreUnavailableException("OpenSearch is unavailable: cannot " + what + ": " + reason(e), e);
    }

    /** OpenSearch's own reason, or a plain description of a transport failure; never a Java class name. */
    public static String reason(Exception e) {
        if (e instanceof OpenSearchException o && o.error() != null) {
            String reason = o.error().reason();
            return o.error().type() + (reason == null ? "" : ": " + reason);
        }
        if (e instanceof ResponseException r) {
            return "HTTP " + r.status();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        if (root instanceof java.net.SocketTimeoutException || root instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? "no answer" : message;
    }

    /** Reads part of the definition with the client's own deserializer. */
    private <T> T parse(JsonpDeserializer<T> deserializer, JsonNode json) {
        JsonpMapper mapper = client._transport().jsonpMapper();
        try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(json.toString()))) {
            return deserializer.deserialize(parser, mapper);
        }
    }
}
