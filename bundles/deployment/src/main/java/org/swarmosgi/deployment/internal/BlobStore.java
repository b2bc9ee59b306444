package org.swarmosgi.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bundle bytes on disk, named by their SHA-256 ({@code <sha256>.jar}), and the catalog file. Bytes
 * arrive into {@code incoming/} while their hash is computed, and only bytes whose hash, size and
 * manifest check are moved in (atomically): a stored blob is always whole and right. Nothing here is
 * held in memory beyond one chunk.
 */
final class BlobStore {
    private static final System.Logger LOG = System.getLogger(BlobStore.class.getName());
    static final String CATALOG = "catalog.bin";

    private final Path dir;
    private final Path incoming;

    BlobStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.incoming = Files.createDirectories(dir.resolve("incoming"));
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(incoming)) {
            for (Path p : stale) { // transfers a crash cut short
                Files.deleteIfExists(p);
            }
        }
    }

    Path path(String sha256) {
        Hashes.check(sha256);
        return dir.resolve(sha256 + ".jar");
    }

    boolean has(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    /** The hashes stored. */
    Set<String> hashes() throws IOException {
        final Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : files) {
                final String name = p.getFileName().toString();
                final String sha = name.substring(0, name.length() - 4);
                try {
                    Hashes.check(sha);
                    out.add(sha);
                } catch (IllegalArgumentException e) {
                    // not ours
                }
            }
        }
        return out;
    }

    /** Deletes the stored bytes of every other hash; returns the hashes deleted. */
    Set<String> retain(Set<String> keep) {
        final Set<String> gone = new HashSet<>();
        try {
            for (String sha : hashes()) {
                if (!keep.contains(sha) && Files.deleteIfExists(path(sha))) {
                    gone.add(sha);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot clean the deployment store " + dir + ": " + e);
        }
        return gone;
    }

    /** What a stored bundle is. */
    record Stored(String sha256, long size, BundleManifest manifest) {
    }

    /**
     * Stores a bundle read from {@code in}: at most {@code maxSize} bytes (more is refused before it is
     * all read), its manifest checked.
     *
     * @throws IllegalArgumentException when it is too large or not a bundle
     */
    Stored importFrom(InputStream in, long maxSize) throws IOException {
        final Incoming transfer = begin(maxSize);
        try {
            final byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxSize) {
                    throw new IllegalArgumentException("the bundle is larger than max.bundle.size (" + maxSize + " bytes)");
                }
                transfer.write(ByteBuffer.wrap(buf, 0, n));
            }
            if (total == 0) {
                throw new IllegalArgumentException("the source is empty");
            }
            return transfer.finish(null, null);
        } finally {
            transfer.abort();
        }
    }

    /** Starts receiving a bundle of at most {@code size} bytes. */
    Incoming begin(long size) throws IOException {
        return new Incoming(Files.createTempFile(incoming, "transfer-", ".part"), size);
    }

    /** A bundle being received; {@link #abort()} after {@link #finish} does nothing. */
    final class Incoming implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final MessageDigest digest = Hashes.sha256();
        private final long limit;
        private long written;
        private boolean done;

        private Incoming(Path file, long limit) throws IOException {
            this.file = file;
            this.limit = limit;
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        }

        long written() {
            return written;
        }

        void write(ByteBuffer bytes) throws IOException {
            if (written + bytes.remaining() > limit) {
                throw new IllegalArgumentException("more bytes than the " + limit + " announced");
            }
            digest.update(bytes.duplicate());
            written += bytes.remaining();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        /**
         * Checks the bytes and moves them in.
         *
         * @param expectedSha256 null: any
         * @param expected       null: any bundle; otherwise the symbolic name and version they must have
         * @throws IllegalArgumentException naming the mismatch
         */
        Stored finish(String expectedSha256, BundleManifest expected) throws IOException {
            channel.force(false);
            channel.close();
            final String sha = Hashes.hex(digest.digest());
            if (expectedSha256 != null && !expectedSha256.equals(sha)) {
                throw new IllegalArgumentException("wrong SHA-256: expected " + Hashes.shortly(expectedSha256)
                        + "..., the " + written + " bytes received have " + Hashes.shortly(sha) + "...");
            }
            final BundleManifest manifest = BundleManifest.read(file);
            if (expected != null && !expected.equals(manifest)) {
                throw new IllegalArgumentException("the bytes are " + manifest.bsn() + " " + manifest.version()
                        + ", announced as " + expected.bsn() + " " + expected.version());
            }
            final Path target = path(sha);
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return new Stored(sha, written, manifest);
        }

        void abort() {
            try {
                channel.close();
                if (!done) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    /** Reads {@code length} bytes of a stored bundle from {@code offset}, for a peer's fetch. */
    ByteBuffer read(String sha256, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(path(sha256), StandardOpenOption.READ)) {
            final long size = ch.size();
            if (offset >= size) {
                throw new IllegalArgumentException("offset " + offset + " is past the end (" + size + " bytes)");
            }
            final ByteBuffer out = ByteBuffer.allocate((int) Math.min(length, size - offset));
            while (out.hasRemaining()) {
                if (ch.read(out, offset + out.position()) < 0) {
                    throw new IOException("the stored bundle shrank");
                }
            }
            return out.flip();
        }
    }

    // ---------------------------------------------------------------- the catalog file

    void writeCatalog(List<Entry> entries) throws IOException {
        final Path tmp = incoming.resolve(CATALOG + ".tmp");
        Files.write(tmp, Wire.catalog(entries));
        Files.move(tmp, dir.resolve(CATALOG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The kept catalog; empty when there is none or it does not decode (then logged). */
    List<Entry> readCatalog(int maxEntries, long maxSize) {
        final Path file = dir.resolve(CATALOG);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return ((Msg.Catalog) Wire.decode(ByteBuffer.wrap(Files.readAllBytes(file)), maxEntries, maxSize)).entries();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring the deployment catalog " + file + ", peers will tell: " + e);
            return List.of();
        }
    }
}
