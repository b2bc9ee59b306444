package org.swarmosgi.clusterconfig.internal;

import java.util.List;

/** The cluster configuration protocol's one-way messages between nodes. */
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

    /** The SHA-256 of the sender's whole catalog (hex): a receiver whose own differs sends its catalog back. */
    record Digest(String sha256) implements Msg {
    }
}
