package io.sluice.opensearch;

import io.sluice.task.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.slf4j.Logger;

/**
 * Group commit on one {@link SystemIndex}: the writes of concurrent callers go to OpenSearch together, in one
 * {@code _bulk} request whose items each keep their own condition ({@code if_seq_no}/{@code if_primary_term}, or
 * create-only), so a conflicting item fails alone and the others are written. One thread sends: while a bulk is on its
 * way, new writes gather for the next one, so an idle node sends each write at once and a busy one sends fewer, larger
 * requests. An optional linger waits a little longer for company before a bulk leaves.
 *
 * <p>A caller's write is acknowledged (its method returns) only once OpenSearch answered for its item: nothing
 * acknowledged is ever lost by a crash between batches. The sending thread belongs to the owner of this object, which
 * must {@link #close()} it when it stops; writes still queued then are refused, never dropped silently.
 */
public final class GroupCommit implements AutoCloseable {

    /** The version OpenSearch gave a written document. */
    public record Written(long seqNo, long primaryTerm) {
    }

    /** What the owner counts: bulks sent and writes refused as conflicts (for its meters). */
    public interface Observer {
        /** Counts nothing. */
        Observer NONE = new Observer() {
        };

        /** A bulk of {@code writes} items was answered. */
        default void bulkSent(int writes) {
        }

        /** A conditional write or a create was refused: the document changed since it was read, or exists. */
        default void conflict() {
        }
    }

    private enum Kind { CREATE, REPLACE, PUT }

    /** One caller's write. {@code seqNo}/{@code primaryTerm} are used by REPLACE only. */
    private record Write(Kind kind, String id, Object source, long seqNo, long primaryTerm, String what,
                         CompletableFuture<Written> done) {
    }

    private final OpenSearchClient client;
    private final SystemIndex index;
    private final Logger log;
    private final Function<String, RuntimeException> conflict;
    private final Observer observer;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile int maxBatch;
    private volatile long lingerNanos;
    private volatile boolean closed;
    private final LongAdder bulks = new LongAdder();
    private final LongAdder writes = new LongAdder();

    /**
     * Starts the sending thread.
     *
     * @param threadName the sending thread's name
     * @param conflict the exception a refused conditional write or create throws, given what was being written
     * @param maxBatch most writes in one bulk; 1 turns group commit off (each write its own request, sent by its caller)
     * @param lingerMicros how long a bulk waits for more writes before it leaves; 0 for not at all
     */
    public GroupCommit(OpenSearchClient client, SystemIndex index, Logger log, String threadName,
                       Function<String, RuntimeException> conflict, Observer observer, int maxBatch, long lingerMicros) {
        this.client = client;
        this.index = index;
        this.log = log;
        this.conflict = conflict;
        this.observer = observer;
        reconfigure(maxBatch, lingerMicros);
        this.sender = new Thread(this::sendLoop, threadName);
        sender.setDaemon(true);
        sender.start();
    }

    /** Changes the batch bound and the linger; applies from the next bulk. */
    public void reconfigure(int maxBatch, long lingerMicros) {
        this.maxBatch = Math.max(1, maxBatch);
        this.lingerNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, lingerMicros));
    }

    /**
     * Creates a document, refused if its id exists.
     *
     * @throws RuntimeException the {@code conflict} exception when the id exists
     * @throws StoreUnavailableException when OpenSearch cannot be reached or refuses the write
     */
    public Written create(String id, Object source, String what) {
        return submit(new Write(Kind.CREATE, id, source, 0, 0, what, new CompletableFuture<>()));
    }

    /**
     * Replaces a document if it still has the version its caller read.
     *
     * @throws RuntimeException the {@code conflict} exception when the document changed since (or is gone)
     * @throws StoreUnavailableException when OpenSearch cannot be reached or refuses the write
     */
    public Written replace(String id, Object source, long seqNo, long primaryTerm, String what) {
        return submit(new Write(Kind.REPLACE, id, source, seqNo, primaryTerm, what, new CompletableFuture<>()));
    }

    /**
     * Writes a whole document whatever is there (none, or any version): for writes that need not know what they
     * replace. Cheaper for OpenSearch than a partial update, which must read the document first (and refreshes the
     * index to read one written since its last refresh).
     *
     * @throws StoreUnavailableException when OpenSearch cannot be reached or refuses the write
     */
    public Written put(String id, Object source, String what) {
        return submit(new Write(Kind.PUT, id, source, 0, 0, what, new CompletableFuture<>()));
    }

    /**
     * Starts a {@link #create} without waiting for it: its caller can do other I/O while the bulk holding this write is
     * sent. The future completes with the written version, or exceptionally with the errors {@code create} throws.
     * With group commit off ({@code maxBatch} 1) the write is sent by the caller, and the future is done on return.
     *
     * @since 1.3
     */
    public CompletableFuture<Written> startCreate(String id, Object source, String what) {
        return enqueue(new Write(Kind.CREATE, id, source, 0, 0, what, new CompletableFuture<>()));
    }

    private Written submit(Write write) {
        try {
            return enqueue(write).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private CompletableFuture<Written> enqueue(Write write) {
        if (closed) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("stopping: cannot " + write.what(), null));
        }
        if (maxBatch == 1) {
            // Group commit off: each write is its own request, sent by its caller (concurrently with the others).
            try {
                send(List.of(write), true);
            } catch (RuntimeException e) {
                write.done().completeExceptionally(e);
            }
        } else {
            queue.add(write);
            if (closed) {
                refuseQueued(); // close() drained the queue before this write was added: it must not wait for good
            }
        }
        return write.done();
    }

    /** Bulks sent, and writes sent in them, since this started. */
    public long[] figures() {
        return new long[] {bulks.sum(), writes.sum()};
    }

    /** Stops the sending thread; writes still queued are refused with {@link StoreUnavailableException}. */
    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        refuseQueued();
    }

    private void refuseQueued() {
        List<Write> left = new ArrayList<>();
        queue.drainTo(left);
        for (Write write : left) {
            write.done().completeExceptionally(stopped(write));
        }
    }

    private static StoreUnavailableException stopped(Write write) {
        return new StoreUnavailableException("stopped before it could " + write.what(), null);
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
                batch.forEach(write -> write.done().completeExceptionally(stopped(write)));
                return;
            } catch (RuntimeException e) {
                // Never let the sender die: whatever went wrong is the answer of this batch.
                log.warn("A batch of writes to {} failed: {}", index.alias(), e.getMessage(), e);
                batch.forEach(write -> write.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private static BulkOperation operation(Write write) {
        return switch (write.kind()) {
            case CREATE -> BulkOperation.of(o -> o.create(c -> c.id(write.id()).document(write.source())));
            case REPLACE -> BulkOperation.of(o -> o.index(i -> i.id(write.id()).document(write.source())
                .ifSeqNo(write.seqNo()).ifPrimaryTerm(write.primaryTerm())));
            case PUT -> BulkOperation.of(o -> o.index(i -> i.id(write.id()).document(write.source())));
        };
    }

    private void send(List<Write> batch, boolean mayRecreate) {
        List<BulkOperation> operations = new ArrayList<>(batch.size());
        batch.forEach(write -> operations.add(operation(write)));
        BulkResponse response;
        try {
            response = client.bulk(b -> b.index(index.alias()).requireAlias(true).operations(operations));
        } catch (IOException | OpenSearchException e) {
            RuntimeException failure = SystemIndex.failure("write " + batch.size() + " documents to " + index.alias(), e);
            batch.forEach(write -> write.done().completeExceptionally(failure));
            return;
        }
        bulks.increment();
        writes.add(batch.size());
        observer.bulkSent(batch.size());
        List<Write> missing = new ArrayList<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < batch.size(); i++) {
            Write write = batch.get(i);
            BulkResponseItem item = items.get(i);
            if (item.error() == null) {
                write.done().complete(new Written(item.seqNo(), item.primaryTerm()));
            } else if ("index_not_found_exception".equals(item.error().type()) && mayRecreate) {
                missing.add(write);
            } else if (item.status() == 409) {
                observer.conflict();
                write.done().completeExceptionally(conflict.apply(write.what()));
            } else {
                write.done().completeExceptionally(new StoreUnavailableException("OpenSearch refused to " + write.what()
                    + ": " + item.error().type() + (item.error().reason() == null ? "" : ": " + item.error().reason()), null));
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
