package org.swarmosgi.membership.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link TestNode} in a child JVM, with the lines it printed and a view built from them. */
final class NodeProcess implements AutoCloseable {

    final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::read, "read-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts a node; {@code args} are TestNode's key=value arguments besides the name. */
    static NodeProcess start(String name, String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), TestNode.class.getName(), "name=" + name));
        command.addAll(List.of(args));
        return new NodeProcess(name, new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process died: its lines so far stay
        }
    }

    long pid() {
        return process.pid();
    }

    boolean ready() {
        return lines.stream().anyMatch(l -> l.startsWith("READY "));
    }

    /** Waits until the node has bound its socket, then returns it. */
    NodeProcess awaitReady() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(this::ready);
        return this;
    }

    /** {@code 127.0.0.1:<port>} of this node's membership socket. */
    String address() {
        return "127.0.0.1:" + port();
    }

    long incarnation() {
        return Long.parseLong(readyLine()[1]);
    }

    int port() {
        return Integer.parseInt(readyLine()[2]);
    }

    private String[] readyLine() {
        return lines.stream().filter(l -> l.startsWith("READY ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is not ready")).split(" ");
    }

    /** The UP/DOWN lines printed so far, in order. */
    List<String> events() {
        return lines.stream().filter(l -> l.startsWith("UP ") || l.startsWith("DOWN ")).toList();
    }

    /** Names this node sees up now (other than itself), replaying its events. */
    Set<String> upNames() {
        final Map<String, Long> up = new HashMap<>();
        for (String event : events()) {
            final String[] f = event.split(" ");
            if (f[0].equals("UP")) {
                up.put(f[1], Long.parseLong(f[2]));
            } else if (Long.valueOf(Long.parseLong(f[2])).equals(up.get(f[1]))) {
                up.remove(f[1]);
            }
        }
        return new TreeSet<>(up.keySet());
    }

    /** Asks for the counters and returns the value of one, once printed; -1 until then. */
    long lastStat(String counter) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            final String line = lines.get(i);
            if (line.startsWith("STATS ")) {
                for (String field : line.split(" ")) {
                    if (field.startsWith(counter + "=")) {
                        return Long.parseLong(field.substring(counter.length() + 1));
                    }
                }
            }
        }
        return -1;
    }

    void command(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void signal(String signal) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid() + " failed");
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
