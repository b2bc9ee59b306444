package org.swarmosgi.deployment.internal;

import java.util.Arrays;
import java.util.List;

/** The deployment protocol's one-way messages between nodes. */
sealed interface Msg {

    /**
     * Catalog entries: changes, or the sender's whole catalog ({@code whole}), to which the receiver
     * answers with every entry the sender lacks or has older.
     */
    record Catalog(boolean whole, List<Entry> entries) implements Msg {
        public Catalog {
            entries = List.copyOf(entries);
        }
    }

    /** The SHA-256 of the sender's whole catalog: a receiver whose own differs sends its catalog back. */
    record Digest(byte[] sha256) implements Msg {
        @Override
        public boolean equals(Object o) {
            return o instanceof Digest d && Arrays.equals(sha256, d.sha256);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sha256);
        }

        @Override
        public String toString() {
            return "Digest[" + Hashes.hex(sha256) + "]";
        }
    }

    /** Every report of the sender, replacing the ones it sent before. */
    record Status(List<Report> reports) implements Msg {
        public Status {
            reports = List.copyOf(reports);
        }
    }
}
