package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node process started by {@link NodeProcesses}: its Gogo shell reads commands from stdin
 * (gogo.shell, prompt {@code g! }); what it prints on stdout (answers) and stderr (log) is collected.
 */
public final class NodeProcess {

    private static final AtomicLong MARKERS = new AtomicLong();

    private final String name;
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final StringBuilder errors = new StringBuilder();

    NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        collect(process.getInputStream(), output, "node-stdout-" + name);
        collect(process.getErrorStream(), errors, "node-stderr-" + name);
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** Everything the node printed on stdout so far: the shell's prompts and answers. */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Everything the node printed on stderr so far: its log. */
    public String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    /** stdout and stderr, for assertion messages. */
    public String describe() {
        return "node " + name + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                + "\n--- stdout:\n" + output() + "\n--- stderr:\n" + errors();
    }

    /**
     * Runs a shell command on the node and returns what it printed, prompts removed. Waits at most
     * {@code timeout} for the node to start (the first command) and answer. Anything else printed
     * on stdout meanwhile (a bundle's println) is part of the answer: match with contains.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when no answer came in time
     */
    public String execute(String command, Duration timeout) {
        if (command.contains("\n")) {
            throw new IllegalArgumentException("one command line at a time: " + command);
        }
        final String marker = "--itest-marker-" + MARKERS.incrementAndGet() + "--";
        final int from = output().length();
        send(command + "\necho " + marker + "\n");
        await("answer of " + name + " to " + command).atMost(timeout)
                .until(() -> output().indexOf(marker + "\n", from) >= 0 || !process.isAlive());
        final String all = output();
        final int end = all.indexOf(marker + "\n", from);
        if (end < 0) {
            throw new IllegalStateException("the node exited before answering " + command + ": " + describe());
        }
        return all.substring(from, end).replaceAll("(?m)^(g! )+", "").strip();
    }

    /**
     * Writes many shell command lines to the node's stdin in one go, then one marker, and returns
     * what the node printed up to the marker, prompts removed: the answers in order, one command's
     * answer after the other (the shell reads its stdin one line at a time). Waits at most
     * {@code timeout} for the marker.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when the marker did not come in time
     */
    public String executeAll(java.util.List<String> commands, Duration timeout) {
        final StringBuilder lines = new StringBuilder(commands.size() * 48);
        for (String command : commands) {
            if (command.contains("\n")) {
                throw new IllegalArgumentException("one command a line: " + command);
            }
            lines.append(command).append('\n');
        }
        final String marker = "--itest-marker-" + MARKERS.incrementAndGet() + "--";
        final int from = output().length();
        send(lines.append("echo ").append(marker).append('\n').toString());
        await("answers of " + name + " to " + commands.size() + " commands").atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> output().indexOf(marker + "\n", from) >= 0 || !process.isAlive());
        final String all = output();
        final int end = all.indexOf(marker + "\n", from);
        if (end < 0) {
            throw new IllegalStateException("the node exited before answering " + commands.size()
                    + " commands: " + describe());
        }
        return all.substring(from, end).replaceAll("(?m)^(g! )+", "").strip();
    }

    /** Writes raw text to the node's stdin (e.g. "stop 0\n"). */
    public void send(String text) {
        try {
            final OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + describe(), e);
        }
    }

    /** Sends SIGTERM: the node stops its framework and exits. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /** @return true when the process ended within the time */
    public boolean awaitExit(long time, TimeUnit unit) {
        try {
            return process.waitFor(time, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void collect(InputStream stream, StringBuilder sink, String threadName) {
        final Thread reader = new Thread(() -> {
            final char[] buffer = new char[8192];
            try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (sink) {
                        sink.append(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone; what it printed is kept
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }
}
