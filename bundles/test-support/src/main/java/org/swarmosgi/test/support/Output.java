package org.swarmosgi.test.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines one stream of a child printed, read by a daemon thread. Unbounded: every line is kept
 * until the child's {@link ChildProcess} is dropped, because callers replay a child's whole history
 * (its events, its answers); a child that prints without end is a bug of that child. Optionally
 * every line is also appended to a log file, flushed line by line.
 */
final class Output {

    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    /** @param log receives a copy of every line (a no-op writer for none); closed at the stream's end */
    Output(InputStream stream, Writer log, String threadName) {
        final Thread reader = new Thread(() -> read(stream, log), threadName);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream stream, Writer file) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8)); file) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(line);
                }
                file.write(line);
                file.write('\n');
                file.flush();
            }
        } catch (IOException e) {
            // the child is gone (or the log cannot be written): what was read is kept
        } finally {
            synchronized (this) {
                ended = true;
            }
        }
    }

    synchronized int size() {
        return lines.size();
    }

    synchronized String line(int index) {
        return lines.get(index);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    synchronized List<String> from(int index) {
        return List.copyOf(lines.subList(Math.min(index, lines.size()), lines.size()));
    }

    /** True once the stream reached its end: the child closed it (it exited) and every line is here. */
    synchronized boolean ended() {
        return ended;
    }

    /** The last {@code max} lines, one string, for messages. */
    synchronized String tail(int max) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - max), lines.size()));
    }
}
