package org.swarmosgi.benchmarks.membership;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Node JVMs of one benchmark cluster on loopback: start, kill, restart, and the lines they print. */
final class BenchCluster implements AutoCloseable {

    /** One node JVM and what it printed. */
    static final class Node {
        final String name;
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Node(String name, Process process) {
            this.name = name;
            this.process = process;
            final Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the node died
                }
            }, "read-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Names this node sees up now. */
        List<String> up() {
            final Map<String, Boolean> state = new HashMap<>();
            for (String line : lines) {
                final String[] f = line.split(" ");
                if (f[0].equals("UP")) {
                    state.put(f[1], true);
                } else if (f[0].equals("DOWN")) {
                    state.put(f[1], false);
                }
            }
            final List<String> up = new ArrayList<>();
            state.forEach((k, v) -> {
                if (v) {
                    up.add(k);
                }
            });
            return up;
        }

        /** Lines starting with {@code prefix}. */
        List<String> linesStarting(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    final String cluster = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    final String mode;
    final int[] ports;
    final Node[] nodes;

    BenchCluster(String mode, int size) throws IOException {
        this.mode = mode;
        this.nodes = new Node[size];
        this.ports = new int[size];
        final int shared = freeUdpPort();
        for (int i = 0; i < size; i++) {
            ports[i] = mode.equals("multicast") ? shared : freeUdpPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    void start(int i) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), BenchNode.class.getName(),
                "n" + i, cluster, mode, Integer.toString(ports[i])));
        if (!mode.equals("multicast")) {
            final List<String> seeds = new ArrayList<>();
            for (int port : ports) {
                seeds.add("127.0.0.1:" + port);
            }
            command.add(String.join(",", seeds));
        }
        nodes[i] = new Node("n" + i, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    void kill(int i) throws InterruptedException {
        nodes[i].process.destroyForcibly();
        nodes[i].process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean converged() {
        for (Node node : nodes) {
            if (node == null || !node.process.isAlive() || node.up().size() != nodes.length - 1) {
                return false;
            }
        }
        return true;
    }

    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                kill(i);
            }
        }
    }
}
