package org.swarmosgi.transport.aeron.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;

/** A {@link PeerMain} in a child JVM on this test's class path. Closing it ends the JVM, forcibly if need be. */
final class PeerProcess implements AutoCloseable {
    final String name;
    final Member member;
    final Endpoint endpoint;
    final String nodeId;
    /** The membership port, or 0 when the peer runs no membership. */
    final int membershipPort;
    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        final Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "peer-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        final String[] ready = expect("READY", 30).split(" ");
        this.member = TestNodes.member(ready[1]);
        this.endpoint = member.endpoint();
        this.nodeId = member.id().toString();
        this.membershipPort = ready.length > 2 ? Integer.parseInt(ready[2]) : 0;
    }

    static PeerProcess start(String name, String cluster, String secret, int port) {
        return start(name, cluster, secret, port, "");
    }

    /** {@code options}: "membership" runs a membership engine in the peer too. */
    static PeerProcess start(String name, String cluster, String secret, int port, String options) {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Path log = TestNodes.NODES_DIR.resolve(name + ".log");
        try {
            Files.createDirectories(TestNodes.NODES_DIR);
            final Process p = new ProcessBuilder(List.of(java.toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), PeerMain.class.getName(),
                name, cluster, secret, Integer.toString(port), options))
                .redirectError(log.toFile())
                .start();
            return new PeerProcess(name, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a command and returns the first answer line starting with {@code prefix}. */
    String command(String command, String prefix, int timeoutSeconds) {
        in.println(command);
        return expect(prefix, timeoutSeconds);
    }

    private String expect(String prefix, int timeoutSeconds) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (true) {
                final String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(name + ": no '" + prefix + "' within " + timeoutSeconds + " s (alive: "
                        + process.isAlive() + ")");
                }
                if (line.startsWith(prefix) || line.startsWith("ERROR")) {
                    if (line.startsWith("ERROR") && !prefix.equals("ERROR")) {
                        throw new AssertionError(name + ": " + line);
                    }
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGSTOP (true) or SIGCONT (false): a peer that is alive but does not read. */
    void pause(boolean stop) throws IOException, InterruptedException {
        final Process signal = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid())).start();
        if (!signal.waitFor(10, TimeUnit.SECONDS) || signal.exitValue() != 0) {
            throw new AssertionError("kill " + (stop ? "-STOP" : "-CONT") + " failed for " + name);
        }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Asks the peer to exit cleanly (removing its Aeron directory); kills it if it does not within 5 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            in.println("exit");
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
