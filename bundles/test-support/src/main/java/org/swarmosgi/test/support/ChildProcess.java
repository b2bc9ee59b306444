package org.swarmosgi.test.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

/**
 * A child process started by {@link Processes}: what it prints on stdout and stderr is collected
 * line by line (every line, see {@link #lines()}), its stdin is open for {@link #send(String)}, and
 * it can be stopped, killed, paused and resumed. Every wait is a bounded Awaitility wait that ends
 * early, with {@link #describe()} in the message, when the child exits without what was awaited.
 */
public final class ChildProcess {

    /** How often a wait looks at the collected lines again. */
    private static final Duration POLL = Duration.ofMillis(10);
    /** Lines of each stream that {@link #describe()} shows. */
    private static final int DESCRIBED_LINES = 200;
    /** How long a SIGKILLed child (or a kill command) may take to be gone. */
    private static final Duration GONE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Output stdout;
    private final Output stderr;
    private final String stopLine;

    ChildProcess(String name, Process process, Writer stderrLog, String stopLine) {
        this.name = name;
        this.process = process;
        this.stopLine = stopLine;
        this.stdout = new Output(process.getInputStream(), Writer.nullWriter(), "stdout-" + name);
        this.stderr = new Output(process.getErrorStream(), stderrLog, "stderr-" + name);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Every line printed on stdout so far, in order. */
    public List<String> lines() {
        return stdout.snapshot();
    }

    /** Every line printed on stderr so far (a node's log), in order. */
    public List<String> errorLines() {
        return stderr.snapshot();
    }

    /** How many lines stdout has printed so far: a position to {@link #awaitLine(int, Predicate, Duration) wait from}. */
    public int lineCount() {
        return stdout.size();
    }

    /** The first stdout line, from the very first, that matches; waits at most {@code timeout} for it. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
        return awaitLine(0, match, timeout);
    }

    /** The first stdout line at position {@code from} or later that matches; waits at most {@code timeout}. */
    public String awaitLine(int from, Predicate<String> match, Duration timeout) {
        return stdout.line(awaitIndex(from, match, timeout));
    }

    /**
     * The first stdout line that contains a match of {@code pattern}, as that match: how a test reads
     * what a child reports, such as the port it bound (bind 0 in the child, read the port back here;
     * never probe a free port and release it).
     */
    public MatchResult awaitMatch(Pattern pattern, Duration timeout) {
        final Matcher matcher = pattern.matcher(awaitLine(pattern.asPredicate(), timeout));
        if (!matcher.find()) {
            throw new IllegalStateException("unreachable: the line matched " + pattern);
        }
        return matcher.toMatchResult();
    }

    /**
     * Sends {@code line} (and a newline) and returns the first stdout line printed after it that
     * matches {@code answer}, waiting at most {@code timeout}.
     */
    public String ask(String line, Predicate<String> answer, Duration timeout) {
        final int from = lineCount();
        send(line + "\n");
        return awaitLine(from, answer, timeout);
    }

    /** The position of the first matching stdout line at {@code from} or later. */
    public int awaitIndex(int from, Predicate<String> match, Duration timeout) {
        final int[] next = {from};
        final int[] found = {-1};
        try {
            await(name + ": a line on stdout").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> {
                final boolean ended = stdout.ended(); // read first: once ended, every line is in
                for (String line : stdout.from(next[0])) {
                    if (match.test(line)) {
                        found[0] = next[0];
                        return true;
                    }
                    next[0]++;
                }
                return ended;
            });
        } catch (ConditionTimeoutException e) {
            throw new ConditionTimeoutException("no awaited line within " + timeout + " from " + describe(), e);
        }
        if (found[0] < 0) {
            awaitExit(GONE); // its output ended: its exit code is due
            throw new IllegalStateException("the awaited line never came: the child ended. " + describe());
        }
        return found[0];
    }

    /** Writes {@code text} as it is (UTF-8) to the child's stdin and flushes it. */
    public void send(String text) {
        try {
            final OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + describe(), e);
        }
    }

    /**
     * SIGTERM: the child may run its shutdown hooks. Does not wait; see {@link #awaitExit(Duration)}.
     * Signals go through the {@link ProcessHandle}: {@link Process#destroy()} would also close our
     * ends of the pipes, losing what the child prints while it stops (and ending its stdin).
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL (kill -9) to the child and everything it started; returns once it is gone (10 s at most). */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
        awaitExit(GONE);
    }

    /**
     * SIGSTOP: the child is alive but runs nothing (no reads, no timers) until {@link #resume()}.
     * Returns once the kernel shows it stopped: the signal is delivered asynchronously, and on a
     * loaded machine a child could otherwise still answer what is sent right after.
     */
    public void pause() {
        signal("STOP");
        final Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        if (Files.exists(stat)) {
            await("kernel shows " + name + " stopped").atMost(GONE).pollInterval(Duration.ofMillis(2))
                .until(() -> stoppedState(stat));
        }
    }

    /** The state letter of /proc/pid/stat (after the command name in parentheses): T when stopped. */
    private static boolean stoppedState(Path stat) throws IOException {
        final String line = Files.readString(stat);
        final int close = line.lastIndexOf(')');
        return close > 0 && close + 2 < line.length() && line.charAt(close + 2) == 'T';
    }

    /** SIGCONT: a paused child runs again. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(GONE.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed for " + describe());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    /** @return true when the child has exited within {@code timeout} */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code of a child that has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Name, pid, state and the last lines of stdout and stderr: for assertion messages. */
    public String describe() {
        return "child " + name + " (pid " + pid() + ", " + (alive() ? "running" : "exited " + process.exitValue()) + ")"
                + "\n--- stdout (last " + DESCRIBED_LINES + " lines):\n" + stdout.tail(DESCRIBED_LINES)
                + "\n--- stderr (last " + DESCRIBED_LINES + " lines):\n" + stderr.tail(DESCRIBED_LINES);
    }

    /** The first half of a stop: the child's stop line if it has one (a polite exit), else SIGTERM. */
    void requestStop() {
        if (!alive()) {
            return;
        }
        if (stopLine == null) {
            terminate();
            return;
        }
        try {
            send(stopLine + "\n");
        } catch (UncheckedIOException e) {
            terminate(); // stdin is closed: the signal still reaches it
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
