package org.swarmosgi.test.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every child process of a test (or a benchmark), and every port held for them. {@link #close()}
 * stops them all: no test leaks a process, whatever happened in it. A JVM shutdown hook kills what
 * is still running when the calling JVM exits before {@code close()}.
 *
 * <pre>{@code
 * try (Processes processes = new Processes()) {
 *     ChildProcess peer = processes.start(ChildJvm.of(PeerMain.class).aeron().args("a"));
 *     peer.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class Processes implements AutoCloseable {

    /** How long {@link #close()} lets children exit on their own before it kills them. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final List<ChildProcess> children = new ArrayList<>();
    private final List<HeldPort> ports = new ArrayList<>();
    private final Thread killer = new Thread(this::killAll, "processes-killer");

    public Processes() {
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts a child JVM. */
    public ChildProcess start(ChildJvm jvm) {
        return start(jvm.name(), jvm.processBuilder(), jvm.stderrLog(), jvm.stopLine());
    }

    /** Starts any command (e.g. a node's launch script); stderr also goes to {@code stderrLog} unless null. */
    ChildProcess start(String name, ProcessBuilder builder, Path stderrLog, String stopLine) {
        try {
            final Writer log;
            if (stderrLog == null) {
                log = Writer.nullWriter();
            } else {
                Files.createDirectories(stderrLog.toAbsolutePath().getParent());
                log = Files.newBufferedWriter(stderrLog, StandardCharsets.UTF_8);
            }
            final ChildProcess child = new ChildProcess(name, builder.start(), log, stopLine);
            synchronized (children) {
                children.add(child);
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
        }
    }

    /** A fresh port of a multicast group, held (see {@link HeldPort}) until {@link #close()}. */
    public int holdMulticastPort(String group) {
        final HeldPort port = HeldPort.multicast(group);
        synchronized (ports) {
            ports.add(port);
        }
        return port.port();
    }

    /**
     * Stops every child still running: its stop line or SIGTERM to all at once, then SIGKILL for
     * those still running after 10 s. Then releases the held ports.
     */
    @Override
    public void close() {
        final List<ChildProcess> all = children();
        all.forEach(ChildProcess::requestStop);
        final long deadline = System.nanoTime() + GRACE.toNanos();
        for (ChildProcess child : all) {
            child.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            child.kill();
        }
        synchronized (ports) {
            ports.forEach(HeldPort::close);
            ports.clear();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private void killAll() {
        children().forEach(ChildProcess::kill);
    }

    private List<ChildProcess> children() {
        synchronized (children) {
            return new ArrayList<>(children);
        }
    }
}
