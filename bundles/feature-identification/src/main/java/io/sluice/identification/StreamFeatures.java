package io.sluice.identification;

import io.sluice.auth.Caller;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The features users keep for their streams, after reviewing what identification found. Reading needs the
 * {@code read} privilege on the stream, keeping and deleting {@code manage}; a stream the caller may not read does not
 * exist for that caller (404).
 */
@ProviderType
public interface StreamFeatures {

    /** The task type that identifies a stream's features. */
    String IDENTIFICATION_TYPE = "streams_feature_identification";

    /** The kept features of a stream, by name. */
    List<KeptFeature> list(Caller caller, String stream);

    /**
     * Keeps features (replacing kept ones of the same name).
     *
     * @return what is stored now
     * @throws io.sluice.streams.StreamException 400 for a feature without a name or filter, or a filter that is not a
     *     condition; 403 without manage; 404 for an unknown stream
     */
    List<KeptFeature> keep(Caller caller, String stream, List<Feature> features);

    /**
     * Deletes one kept feature.
     *
     * @return whether it existed
     */
    boolean delete(Caller caller, String stream, String id);
}
