package org.swarmosgi.node.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.swarmosgi.api.node.LocalNode;

/**
 * The real {@link LocalNode} outside OSGi, for tests and tools that run parts of a node on a plain
 * class path (a membership engine, a transport). Keys are derived exactly as in a running node.
 * Not exported: OSGi code gets its LocalNode as a service.
 */
public final class StandaloneNode {
    private StandaloneNode() {
    }

    /** A node on loopback with a fresh incarnation. */
    public static LocalNode of(String name, String clusterName, String secret, String autocluster, Path workDirectory) {
        try {
            Files.createDirectories(workDirectory); // LocalNode promises a folder that exists
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDirectory, e);
        }
        return new NodeIdentity(new NodeSettings(name, clusterName, secret.getBytes(StandardCharsets.UTF_8),
                autocluster, "127.0.0.1", "127.0.0.1", workDirectory, Set.of()));
    }

    /**
     * A node on loopback whose secret is the built-in development secret, as a node without
     * {@code cluster.secret} has: the strategies must keep it to loopback.
     */
    public static LocalNode withDevelopmentSecret(String name, String clusterName, String autocluster,
                                                  Path workDirectory) {
        return of(name, clusterName, NodeSettings.DEVELOPMENT_SECRET, autocluster, workDirectory);
    }
}
