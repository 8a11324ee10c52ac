package io.sluice.store;

/**
 * The version of a stored document: a conditional write succeeds only while both still match.
 *
 * @param seqNo the document's {@code _seq_no}
 * @param primaryTerm the document's {@code _primary_term}
 */
public record DocVersion(long seqNo, long primaryTerm) {
}
