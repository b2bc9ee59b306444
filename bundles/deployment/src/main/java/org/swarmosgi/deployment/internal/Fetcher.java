package org.swarmosgi.deployment.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.transport.Transport;

/**
 * Fetches a bundle's bytes from a peer, one chunk per request, in order, into the store: the memory
 * held is one chunk, whatever size is announced (and the announced size is checked against
 * {@code max.bundle.size} before the first request). Every request has its timeout, so a transfer
 * whose peer went silent ends at the first unanswered chunk, and its partial file is deleted. The
 * whole is stored only when its SHA-256 and manifest match the catalog entry.
 */
final class Fetcher {
    private final Transport transport;
    private final int topic;
    private final BlobStore store;
    private final int chunkSize;
    private final long maxSize;
    private final Duration timeout;
    private final Executor io;

    Fetcher(Transport transport, int topic, BlobStore store, int chunkSize, long maxSize, Duration timeout, Executor io) {
        this.transport = transport;
        this.topic = topic;
        this.store = store;
        this.chunkSize = chunkSize;
        this.maxSize = maxSize;
        this.timeout = timeout;
        this.io = io;
    }

    /** Completes when {@code entry}'s bytes are stored, or exceptionally with the reason they are not. */
    CompletableFuture<Void> fetch(Entry entry, Member from) {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        io.execute(() -> {
            try {
                if (entry.size() > maxSize) {
                    throw new IllegalArgumentException("announced size " + entry.size()
                            + " is above max.bundle.size (" + maxSize + ")");
                }
                if (store.has(entry.sha256())) {
                    done.complete(null);
                    return;
                }
                next(entry, from, store.begin(entry.size()), done);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void next(Entry entry, Member from, BlobStore.Incoming in, CompletableFuture<Void> done) {
        final long offset = in.written();
        final int length = (int) Math.min(chunkSize, entry.size() - offset);
        transport.request(from, topic, Wire.fetchRequest(entry.sha256(), offset, length), timeout)
                .whenCompleteAsync((reply, error) -> {
                    try {
                        if (error != null) {
                            throw error instanceof CompletionException && error.getCause() != null
                                    ? error.getCause() : error;
                        }
                        if (reply.remaining() != length) {
                            throw new IllegalArgumentException("asked " + length + " bytes at " + offset + ", got "
                                    + reply.remaining());
                        }
                        in.write(reply);
                        if (in.written() < entry.size()) {
                            next(entry, from, in, done);
                            return;
                        }
                        in.finish(entry.sha256(), new BundleManifest(entry.bsn(), entry.version()));
                        done.complete(null);
                    } catch (Throwable e) {
                        in.abort();
                        done.completeExceptionally(e);
                    }
                }, io);
    }

    /** Answers a peer's fetch request from the store; {@code maxChunk} bounds what one answer allocates. */
    static ByteBuffer serve(BlobStore store, ByteBuffer request, int maxChunk) throws IOException {
        final Wire.FetchRequest r = Wire.fetchRequest(request);
        if (r.length() > maxChunk) {
            throw new IllegalArgumentException("a chunk of " + r.length() + " bytes is above " + maxChunk);
        }
        if (!store.has(r.sha256())) {
            throw new IllegalArgumentException("no bundle " + Hashes.shortly(r.sha256()) + "... stored here");
        }
        return store.read(r.sha256(), r.offset(), r.length());
    }
}
