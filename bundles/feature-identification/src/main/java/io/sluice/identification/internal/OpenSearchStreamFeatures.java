package io.sluice.identification.internal;

import io.sluice.auth.Caller;
import io.sluice.auth.Privilege;
import io.sluice.identification.Feature;
import io.sluice.identification.KeptFeature;
import io.sluice.identification.StreamFeatures;
import io.sluice.opensearch.SystemIndex;
import io.sluice.security.AccessPolicy;
import io.sluice.streams.StreamException;
import io.sluice.streams.StreamLookup;
import io.sluice.streams.Streams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kept features in {@code .sluice-stream-features} (a hidden system index behind an alias), written with the node's
 * client after the caller's privileges on the stream are checked. A kept feature's query is always made here from its
 * filter: what a caller sends as {@code query} is never stored or run.
 */
@Component(service = {StreamFeatures.class, OpenSearchStreamFeatures.class})
public final class OpenSearchStreamFeatures implements StreamFeatures {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchStreamFeatures.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sluice.audit");
    /** How many features one stream may keep. */
    static final int MAX_KEPT = 1000;

    private final OpenSearchClient client;
    private final AccessPolicy access;
    private final StreamLookup streams;
    private final SystemIndex index;
    private final FeatureJson json = new FeatureJson();
    private final Clock clock = Clock.systemUTC();

    /** Binds the node's client, the access policy and the streams; makes sure the index exists. */
    @Activate
    public OpenSearchStreamFeatures(@Reference OpenSearchClient client, @Reference AccessPolicy access,
                                    @Reference StreamLookup streams) {
        this.client = client;
        this.access = access;
        this.streams = streams;
        this.index = new SystemIndex(client, ".sluice-stream-features",
            OpenSearchStreamFeatures.class.getResourceAsStream("stream-features-index.json"), LOG);
        index.ensureIfReachable();
    }

    @Override
    public List<KeptFeature> list(Caller caller, String stream) {
        requireReadable(caller, stream);
        return all(stream);
    }

    @Override
    public List<KeptFeature> keep(Caller caller, String stream, List<Feature> features) {
        requireReadable(caller, stream);
        if (!access.allows(caller, Privilege.MANAGE, stream)) {
            throw new StreamException(403, "no manage privilege on stream " + stream + ": features cannot be kept");
        }
        if (features == null || features.isEmpty()) {
            throw new StreamException(400, "give the features to keep: {\"features\": [{\"name\": ..., \"filter\": ...}]}");
        }
        if (features.size() > MAX_KEPT) {
            throw new StreamException(400, "at most " + MAX_KEPT + " features can be kept at once");
        }
        Instant now = clock.instant();
        Map<String, KeptFeature> kept = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            Feature feature = features.get(i);
            Condition filter;
            try {
                filter = Condition.parse(feature.filter());
            } catch (IllegalArgumentException e) {
                throw new StreamException(400, "features[" + i + "] (" + feature.name() + "): " + e.getMessage());
            }
            if (feature.name().isBlank() || feature.name().length() > 256) {
                throw new StreamException(400, "features[" + i + "]: a name of 1 to 256 characters is required");
            }
            String id = id(stream, feature.name());
            kept.put(id, new KeptFeature(id, stream, feature.type(), feature.name(), feature.description(),
                filter.toJson(), filter.toQuery(), feature.confidence(), caller.user(), now, now));
        }
        List<BulkOperation> operations = new ArrayList<>();
        for (KeptFeature feature : kept.values()) {
            Map<String, Object> document = json.toDocument(feature);
            operations.add(BulkOperation.of(o -> o.index(x -> x.id(feature.id()).document(document))));
        }
        var response = index.write("keep features of " + stream, () ->
            client.bulk(b -> b.index(index.alias()).requireAlias(true).refresh(Refresh.WaitFor).operations(operations)));
        if (response.errors()) {
            String reason = response.items().stream().filter(item -> item.error() != null).findFirst()
                .map(item -> item.error().reason()).orElse("unknown");
            throw new StreamException(503, "OpenSearch did not store every kept feature: " + reason);
        }
        AUDIT.info("features kept: {} kept {} features of {}", caller.user(), kept.size(), stream);
        return all(stream);
    }

    @Override
    public boolean delete(Caller caller, String stream, String id) {
        requireReadable(caller, stream);
        if (!access.allows(caller, Privilege.MANAGE, stream)) {
            throw new StreamException(403, "no manage privilege on stream " + stream + ": features cannot be deleted");
        }
        if (!id.matches("[0-9a-f]{1,64}")) {
            return false;
        }
        KeptFeature found = all(stream).stream().filter(f -> f.id().equals(id)).findFirst().orElse(null);
        if (found == null) {
            return false;
        }
        index.write("delete kept feature " + id, () ->
            client.delete(d -> d.index(index.alias()).id(id).refresh(Refresh.WaitFor)));
        AUDIT.info("feature deleted: {} deleted feature {} ({}) of {}", caller.user(), id, found.name(), stream);
        return true;
    }

    /** Every kept feature of a stream, by name (no privilege check: for the identification task, which has its own). */
    List<KeptFeature> all(String stream) {
        return index.read("read kept features of " + stream, () -> {
            var response = client.search(s -> s.index(index.alias()).size(MAX_KEPT)
                .query(q -> q.term(t -> t.field("stream").value(FieldValue.of(stream)))), Map.class);
            List<KeptFeature> features = new ArrayList<>();
            for (var hit : response.hits().hits()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> source = hit.source();
                features.add(json.fromDocument(source));
            }
            features.sort(Comparator.comparing(KeptFeature::name));
            return features;
        }, List.of());
    }

    /** Identification found these kept features again: their {@code last_seen} becomes {@code at}. */
    void seen(String stream, Collection<String> names, Instant at) {
        List<BulkOperation> operations = new ArrayList<>();
        for (String name : names) {
            String id = id(stream, name);
            operations.add(BulkOperation.of(o -> o.update(u -> u.id(id).document(Map.of("last_seen", at.toString())))));
        }
        if (operations.isEmpty()) {
            return;
        }
        index.write("update last_seen of kept features of " + stream, () ->
            client.bulk(b -> b.index(index.alias()).requireAlias(true).operations(operations)));
    }

    private void requireReadable(Caller caller, String stream) {
        Streams.checkName(stream);
        if (!streams.readable(caller, stream)) {
            throw StreamException.notFound(stream);
        }
    }

    /** A hash of stream and name, as SPEC 7 has it. */
    static String id(String stream, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((stream + "\n" + name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
