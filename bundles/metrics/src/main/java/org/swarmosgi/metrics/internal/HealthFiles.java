package org.swarmosgi.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Health as files, for a probe that has no HTTP (a Kubernetes exec probe): {@code alive} is rewritten on
 * every check while the node is alive (its modification time says when it last was) and removed when it
 * is not; {@code ready} exists only while the node is ready. Each holds the check's JSON. Written to a
 * temporary file and moved into place atomically: a reader never sees half a file.
 */
final class HealthFiles implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HealthFiles.class.getName());

    private final Path dir;
    private boolean warned;

    HealthFiles(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        // Whatever an earlier run left says nothing about this one.
        Files.deleteIfExists(dir.resolve("alive"));
        Files.deleteIfExists(dir.resolve("ready"));
    }

    Path dir() {
        return dir;
    }

    /** The checks' thread. */
    void write(Health alive, Health ready) {
        try {
            put("alive", alive);
            put("ready", ready);
            warned = false;
        } catch (IOException e) {
            if (!warned) { // once until it works again: a full disk must not flood the log
                warned = true;
                LOG.log(System.Logger.Level.WARNING, "cannot write the health files in " + dir + ": " + e);
            }
        }
    }

    private void put(String name, Health health) throws IOException {
        final Path file = dir.resolve(name);
        if (!health.up()) {
            Files.deleteIfExists(file);
            return;
        }
        final Path tmp = dir.resolve("." + name + ".tmp");
        Files.write(tmp, (health.json() + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A node that stops is neither alive nor ready. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("ready"));
            Files.deleteIfExists(dir.resolve("alive"));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the health files in " + dir + ": " + e);
        }
    }
}
