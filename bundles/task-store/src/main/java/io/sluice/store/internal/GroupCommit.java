package io.sluice.store.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.opensearch.SystemIndex;
import io.sluice.store.DocVersion;
import io.sluice.store.StoreConflictException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.slf4j.Logger;

/**
 * Group commit: the conditional writes of concurrent callers go to OpenSearch together, in one {@code _bulk} request
 * whose items each carry their own {@code if_seq_no}/{@code if_primary_term} (or are creates), so a conflicting item
 * fails alone and the others are written. One thread sends: while a bulk is on its way, new writes gather for the next
 * one, so an idle node sends each write at once and a busy one sends fewer, larger requests. An optional linger waits a
 * little longer for company before a bulk leaves.
 *
 * <p>A caller's write is acknowledged (its future completes) only once OpenSearch answered for its item: nothing
 * acknowledged is ever lost by a crash between batches. The thread belongs to the store and stops with it.
 */
final class GroupCommit implements AutoCloseable {

    /** One caller's write: a create (no expected version) or a conditional replace. */
    private record Write(String id, ObjectNode source, DocVersion expected, String what, CompletableFuture<DocVersion> done) {
    }

    private final OpenSearchClient client;
    private final SystemIndex index;
    private final Logger log;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile int maxBatch;
    private volatile long lingerNanos;
    private volatile boolean closed;
    // Figures for benchmarks and health: how many bulks, how many writes in them.
    private final LongAdder bulks = new LongAdder();
    private final LongAdder writes = new LongAdder();

    private final DistributionSummary batchSizes;
    private final Counter conflicts;

    /** @param meters where batch sizes and conflicting writes are counted */
    GroupCommit(OpenSearchClient client, SystemIndex index, Logger log, int maxBatch, long lingerMicros, MeterRegistry meters) {
        this.batchSizes = DistributionSummary.builder("sluice.store.batch.size")
            .description("Task document writes per _bulk request").publishPercentileHistogram()
            .minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(meters);
        this.conflicts = Counter.builder("sluice.store.write.conflicts")
            .description("Conditional writes refused because the document changed since it was read").register(meters);
        this.client = client;
        this.index = index;
        this.log = log;
        reconfigure(maxBatch, lingerMicros);
        this.sender = new Thread(this::sendLoop, "sluice-task-writes");
        sender.setDaemon(true);
        sender.start();
    }

    void reconfigure(int maxBatch, long lingerMicros) {
        this.maxBatch = Math.max(1, maxBatch);
        this.lingerNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, lingerMicros));
    }

    /**
     * Queues a write and waits for OpenSearch's answer for it.
     *
     * @param expected the version the caller read, or null for a create
     * @return the written version
     * @throws StoreConflictException when the document changed since (or, for a create, exists)
     */
    DocVersion write(String id, ObjectNode source, DocVersion expected, String what) {
        if (closed) {
            throw new io.sluice.task.StoreUnavailableException("the task store is stopping: cannot " + what, null);
        }
        CompletableFuture<DocVersion> done = new CompletableFuture<>();
        Write write = new Write(id, source, expected, what, done);
        if (maxBatch == 1) {
            // Group commit off: each write is its own request, sent by its caller (concurrently with the others).
            try {
                send(List.of(write), true);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        } else {
            queue.add(write);
        }
        try {
            return done.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Bulks sent, and writes sent in them, since the store started. */
    long[] figures() {
        return new long[] {bulks.sum(), writes.sum()};
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        List<Write> left = new ArrayList<>();
        queue.drainTo(left);
        for (Write write : left) {
            write.done().completeExceptionally(new io.sluice.task.StoreUnavailableException(
                "the task store stopped before it could " + write.what(), null));
        }
    }

    private void sendLoop() {
        List<Write> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - batch.size());
                long linger = lingerNanos;
                if (linger > 0 && batch.size() < maxBatch) {
                    long until = System.nanoTime() + linger;
                    Write more;
                    while (batch.size() < maxBatch && (more = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                        batch.add(more);
                        queue.drainTo(batch, maxBatch - batch.size());
                    }
                }
                send(batch, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (Write write : batch) {
                    write.done().completeExceptionally(new io.sluice.task.StoreUnavailableException(
                        "the task store stopped before it could " + write.what(), null));
                }
                return;
            } catch (RuntimeException e) {
                // Never let the sender die: whatever went wrong is the answer of this batch.
                log.warn("A batch of task writes failed: {}", e.getMessage(), e);
                for (Write write : batch) {
                    write.done().completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Write> batch, boolean mayRecreate) {
        List<BulkOperation> operations = new ArrayList<>(batch.size());
        for (Write write : batch) {
            operations.add(write.expected() == null
                ? BulkOperation.of(o -> o.create(c -> c.id(write.id()).document(write.source())))
                : BulkOperation.of(o -> o.index(i -> i.id(write.id()).document(write.source())
                    .ifSeqNo(write.expected().seqNo()).ifPrimaryTerm(write.expected().primaryTerm()))));
        }
        BulkResponse response;
        try {
            response = client.bulk(b -> b.index(index.alias()).requireAlias(true).operations(operations));
        } catch (IOException | OpenSearchException e) {
            RuntimeException failure = SystemIndex.failure("write " + batch.size() + " task documents", e);
            batch.forEach(write -> write.done().completeExceptionally(failure));
            return;
        }
        bulks.increment();
        writes.add(batch.size());
        batchSizes.record(batch.size());
        List<Write> missing = new ArrayList<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < batch.size(); i++) {
            Write write = batch.get(i);
            BulkResponseItem item = items.get(i);
            if (item.error() == null) {
                write.done().complete(new DocVersion(item.seqNo(), item.primaryTerm()));
            } else if (item.status() == 409) {
                conflicts.increment();
                write.done().completeExceptionally(new StoreConflictException("conflict: " + write.what()
                    + " (the task changed since it was read)"));
            } else if ("index_not_found_exception".equals(item.error().type()) && mayRecreate) {
                missing.add(write);
            } else {
                write.done().completeExceptionally(new io.sluice.task.StoreUnavailableException("OpenSearch refused to "
                    + write.what() + ": " + item.error().type() + (item.error().reason() == null ? "" : ": " + item.error().reason()),
                    null));
            }
        }
        if (!missing.isEmpty()) {
            log.warn("Index {} was missing: creating it again (documents stored before are gone) and retrying {} writes",
                index.alias(), missing.size());
            try {
                index.ensure();
            } catch (RuntimeException e) {
                missing.forEach(write -> write.done().completeExceptionally(e));
                return;
            }
            send(missing, false);
        }
    }
}
