package org.swarmosgi.membership.kubernetes.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The strategy's log lines: {@code System.getLogger} goes to java.util.logging when no other
 * LoggerFinder is installed, so a handler on the same logger name sees every line.
 */
final class LogCapture extends Handler implements AutoCloseable {

    /** A line as logged. */
    record Line(Level level, String message) {
    }

    private final Logger logger = Logger.getLogger("org.swarmosgi.membership.kubernetes");
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        logger.addHandler(this);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<Line> containing(String text) {
        return lines.stream().filter(l -> l.message().contains(text)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(new Line(record.getLevel(), record.getMessage()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
