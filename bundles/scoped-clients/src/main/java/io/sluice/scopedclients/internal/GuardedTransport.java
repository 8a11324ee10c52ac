package io.sluice.scopedclients.internal;

import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.opensearch._types.ErrorResponse;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.generic.Request;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;

/**
 * The node's transport, with every request checked before it leaves: first that the caller's credentials still hold
 * (a 401 if not), then by a {@link RequestGuard} (a 403 if refused), each an {@link OpenSearchException} as if the
 * cluster had refused the request. Closing it does not close the node's shared transport.
 */
final class GuardedTransport implements OpenSearchTransport {

    private final OpenSearchTransport delegate;
    private final RequestGuard guard;
    private final String who;
    private final Runnable credentialsHold;

    GuardedTransport(OpenSearchTransport delegate, RequestGuard guard, String who, Runnable credentialsHold) {
        this.delegate = delegate;
        this.guard = guard;
        this.who = who;
        this.credentialsHold = credentialsHold;
    }

    @Override
    public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint,
                                                                 TransportOptions options) throws IOException {
        check(request, endpoint);
        return delegate.performRequest(request, endpoint, options);
    }

    @Override
    public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(RequestT request,
            Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
        try {
            check(request, endpoint);
        } catch (OpenSearchException e) {
            return CompletableFuture.failedFuture(e);
        }
        return delegate.performRequestAsync(request, endpoint, options);
    }

    private <RequestT> void check(RequestT request, Endpoint<RequestT, ?, ?> endpoint) {
        try {
            credentialsHold.run();
        } catch (RuntimeException e) {
            String reason = who + ": " + e.getMessage();
            throw new OpenSearchException(ErrorResponse.of(r -> r.status(401)
                .error(c -> c.type("security_exception").reason(reason))));
        }
        String refusal = guard.refusal(endpoint.method(request), endpoint.requestUrl(request), endpoint.queryParameters(request),
            body(request, endpoint));
        if (refusal != null) {
            String reason = who + ": " + refusal;
            throw new OpenSearchException(ErrorResponse.of(e -> e.status(403)
                .error(c -> c.type("security_exception").reason(reason))));
        }
    }

    /** The request's body as JSON, as the transport would send it; null without one. */
    private <RequestT> String body(RequestT request, Endpoint<RequestT, ?, ?> endpoint) {
        if (!endpoint.hasRequestBody()) {
            return null;
        }
        if (request instanceof JsonpSerializable serializable) {
            StringWriter json = new StringWriter();
            JsonpMapper mapper = delegate.jsonpMapper();
            try (JsonGenerator generator = mapper.jsonProvider().createGenerator(json)) {
                serializable.serialize(generator, mapper);
            }
            return json.toString();
        }
        if (request instanceof Request generic) {
            // Reading a generic body could consume its stream: such a body is judged unreadable.
            return generic.getBody().isPresent() ? RequestGuard.UNREADABLE : null;
        }
        return RequestGuard.UNREADABLE;
    }

    @Override
    public JsonpMapper jsonpMapper() {
        return delegate.jsonpMapper();
    }

    @Override
    public TransportOptions options() {
        return delegate.options();
    }

    @Override
    public void close() {
        // The node's transport is shared: the connection bundle closes it.
    }
}
