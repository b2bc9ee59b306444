package org.swarmosgi.node.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps incarnations moving forward across restarts in one work folder. Peers refuse an
 * incarnation below the highest they saw for a name, so a node restarted after its clock stepped
 * back (NTP, a VM restored) would stay locked out until its clock passed the old run's start: the
 * last incarnation is kept in a file, and the next is above it whatever the clock says.
 */
final class IncarnationFloor {
    static final String FILE = "incarnation";
    private static final System.Logger LOG = System.getLogger(IncarnationFloor.class.getName());

    private IncarnationFloor() {
    }

    /**
     * @param candidate the clock-based incarnation
     * @return {@code candidate}, or just above the last run's when that was higher; recorded
     */
    static long next(Path workDirectory, long candidate) {
        final Path file = workDirectory.resolve(FILE);
        long next = candidate;
        final long last = read(file);
        if (last >= candidate) {
            next = last + 1;
            if ((last >> 16) > (candidate >> 16)) { // not just two starts within one millisecond
                LOG.log(Level.WARNING, "the clock is behind this node's last run (incarnation " + last + " > " + candidate
                    + "): taking incarnation " + next + " so that peers accept this run");
            }
        }
        write(file, next);
        return next;
    }

    private static long read(Path file) {
        if (!Files.exists(file)) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            // Not fatal: the clock-based incarnation is right unless the clock also stepped back.
            LOG.log(Level.WARNING, "ignoring unreadable " + file + " (" + e + ")");
            return Long.MIN_VALUE;
        }
    }

    private static void write(Path file, long incarnation) {
        final Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(incarnation), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot record incarnation in " + file + " (" + e + "): a restart after the "
                + "clock steps back may be refused by peers until the clock catches up");
        }
    }
}
