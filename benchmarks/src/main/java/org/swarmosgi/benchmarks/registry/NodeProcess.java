package org.swarmosgi.benchmarks.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only launcher of the registry benchmarks: a {@link RegNode} in its own JVM, driven by one
 * command line on stdin and one answer line on stdout. Kept in one small class so the test-support
 * module's launcher can replace it.
 */
final class NodeProcess implements AutoCloseable {
    final String name;
    final int membershipPort;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    /** The {@code UP} line's fields: name incarnation startedNs baselineHeap. */
    final String[] up;

    NodeProcess(String name, Path work, int membershipPort, List<Integer> seeds, String heap, List<String> jvmExtra)
        throws IOException {
        this.name = name;
        this.membershipPort = membershipPort;
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
            "-Djava.util.logging.config.file=/dev/null"));
        cmd.addAll(jvmExtra);
        final StringBuilder s = new StringBuilder();
        for (int p : seeds) {
            s.append(s.length() == 0 ? "" : ",").append(p);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RegNode.class.getName(), name,
            work.resolve(name).toString(), Integer.toString(membershipPort), s.toString()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        up = expect("UP ").split(" ");
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void send(String command) {
        in.println(command);
    }

    /** Sends a command and returns its answer line (which starts with {@code prefix}). */
    String ask(String command, String prefix) throws IOException {
        send(command);
        return expect(prefix);
    }

    String expect(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IllegalStateException(name + ": " + line);
            }
        }
        throw new IllegalStateException(name + " ended before '" + prefix + "'");
    }

    @Override
    public void close() throws InterruptedException {
        in.println("exit");
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
