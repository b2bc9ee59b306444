package org.swarmosgi.registry.internal;

import java.util.Objects;
import java.util.Set;

import org.swarmosgi.api.StopReason;

/**
 * One change a host made to its own records, numbered by its sequence: peers apply a host's
 * operations strictly in order, and a gap sends them to anti-entropy instead.
 */
sealed interface Op {
    long seq();

    /** The record is written (registered, restarted, or its groups changed); its version is the seq. */
    record Put(Record record) implements Op {
        public Put {
            Objects.requireNonNull(record, "record");
        }

        @Override
        public long seq() {
            return record.version;
        }
    }

    /** The name is no longer held by this host, for {@code reason}. */
    record Remove(long seq, String name, StopReason reason) implements Op {
        public Remove {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The worker types the host offers changed; with its roles (shown to operators, constant per run). */
    record Types(long seq, Set<String> types, Set<String> roles) implements Op {
        public Types {
            types = Set.copyOf(types);
            roles = Set.copyOf(roles);
        }
    }
}
