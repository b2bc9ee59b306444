package org.swarmosgi.membership.core;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;

/**
 * The members as this node judges them, and the SPI contract made mechanical: one up per
 * incarnation; a newer incarnation of a name brings down(old) before up(new), never both up, and
 * older incarnations never come back (incarnations are time-ordered: start ms, shifted); LEAVE
 * removes at once; a member failed by the detector that heartbeats again under the same incarnation
 * comes back up once. Pure state, driven by the engine thread with explicit time; events go to a sink
 * in the order they happen.
 */
final class MemberTable {

    /** Names whose floor is remembered after they left the table; the oldest retirement goes first. */
    static final int RETIRED_CAPACITY = 4096;
    /**
     * How far in the future (by its start time) an incarnation may claim to be: beyond this it is
     * refused, so a holder of the key cannot raise a name's floor out of reach (clock skew fits well).
     */
    static final long MAX_FUTURE_MS = TimeUnit.HOURS.toMillis(1);

    private final NodeId self;
    private final Timing timing;
    private final long downRetentionNanos;
    private final LongSupplier wallMillis;
    private final Map<String, Entry> byName = new HashMap<>();
    /**
     * Per name not in the table: the highest incarnation seen and the last sequence taken from it.
     * Incarnations are time-ordered, so every lower one is stale for good whatever was evicted.
     */
    private final Map<String, Floor> floors = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Floor> eldest) {
            return size() > RETIRED_CAPACITY;
        }
    };

    /** The highest incarnation of a name and the last sequence seen from it. */
    private record Floor(long incarnation, long sequence) {
    }

    /** One member known to this node. */
    static final class Entry {
        final Member member;
        final PhiAccrualDetector detector;
        InetSocketAddress membershipAddress;
        long lastSequence;
        boolean up;
        long downSince;

        Entry(Member member, PhiAccrualDetector detector) {
            this.member = member;
            this.detector = detector;
        }
    }

    /**
     * @param downRetentionNanos how long a failed member is remembered (its sequence and address)
     *                           before it is forgotten
     * @param wallMillis         the wall clock, to refuse incarnations that start in the far future
     */
    MemberTable(NodeId self, Timing timing, long downRetentionNanos, LongSupplier wallMillis) {
        this.self = self;
        this.timing = timing;
        this.downRetentionNanos = downRetentionNanos;
        this.wallMillis = wallMillis;
    }

    /**
     * Applies one authenticated heartbeat. An incarnation is accepted only when it is not below the
     * highest one seen for its name: a replayed heartbeat or LEAVE of an older run never displaces
     * the current one.
     *
     * @return null when accepted (or our own echo), else the reason it was refused
     */
    Counter onHeartbeat(Heartbeat heartbeat, InetSocketAddress source, long now, AdmissionFilter filter,
                        Consumer<MemberEvent> sink) {
        final NodeId id = heartbeat.id();
        if (id.name().equals(self.name())) {
            return id.incarnation() == self.incarnation() ? null : Counter.REFUSED_OWN_NAME;
        }
        // Signed shift: a negative incarnation is from the past, never the future.
        if ((id.incarnation() >> 16) > wallMillis.getAsLong() + MAX_FUTURE_MS) {
            return Counter.REFUSED_FUTURE_INCARNATION;
        }
        Entry entry = byName.get(id.name());
        if (entry != null && !entry.member.id().equals(id)) {
            if (id.incarnation() < entry.member.id().incarnation()) {
                return Counter.REFUSED_STALE_INCARNATION;
            }
            if (!filter.admit(id, heartbeat.transport(), source)) {
                return Counter.REFUSED_NOT_ADMITTED;
            }
            if (entry.up) {
                sink.accept(MemberEvent.down(entry.member, DownReason.REPLACED));
            }
            byName.remove(id.name());
            entry = null;
        } else if (entry == null) {
            final Floor floor = floors.get(id.name());
            if (floor != null) {
                if (id.incarnation() < floor.incarnation()) {
                    return Counter.REFUSED_STALE_INCARNATION;
                }
                if (id.incarnation() == floor.incarnation() && heartbeat.sequence() <= floor.sequence()) {
                    return Counter.REFUSED_REPLAY;
                }
                // Above the floor: the same run back after a clean stop of its membership, or a newer one.
            }
        }
        if (entry == null) {
            if (!heartbeat.leave() && !filter.admit(id, heartbeat.transport(), source)) {
                return Counter.REFUSED_NOT_ADMITTED;
            }
            if (heartbeat.leave()) {
                retire(id, heartbeat.sequence());
                return null;
            }
            entry = new Entry(new Member(id, heartbeat.transport()), new PhiAccrualDetector(
                    timing.heartbeatInterval().toNanos(), timing.acceptablePause().toNanos(),
                    timing.minStdDeviation().toNanos(), now));
            entry.lastSequence = heartbeat.sequence();
            entry.membershipAddress = heartbeat.membership() != null ? heartbeat.membership() : source;
            entry.up = true;
            floors.remove(id.name()); // the entry is the floor while it is in the table
            byName.put(id.name(), entry);
            sink.accept(MemberEvent.up(entry.member));
            return null;
        }
        if (heartbeat.sequence() <= entry.lastSequence) {
            return Counter.REFUSED_REPLAY;
        }
        entry.lastSequence = heartbeat.sequence();
        if (heartbeat.leave()) {
            byName.remove(id.name());
            retire(id, heartbeat.sequence());
            if (entry.up) {
                sink.accept(MemberEvent.down(entry.member, DownReason.LEFT));
            }
            return null;
        }
        entry.membershipAddress = heartbeat.membership() != null ? heartbeat.membership() : source;
        if (entry.up) {
            entry.detector.heartbeat(now);
        } else {
            entry.up = true;
            entry.detector.restart(now);
            sink.accept(MemberEvent.up(entry.member));
        }
        return null;
    }

    /** Remembers a name that left the table as its newest retirement (moved to the end of the order). */
    private void retire(NodeId id, long lastSequence) {
        floors.remove(id.name());
        floors.put(id.name(), new Floor(id.incarnation(), lastSequence));
    }

    /** How many names' floors are remembered outside the table (bounded by {@link #RETIRED_CAPACITY}). */
    int floorCount() {
        return floors.size();
    }

    /** Fails members whose phi passed the threshold; forgets those down longer than the retention. */
    void check(long now, Consumer<MemberEvent> sink) {
        for (Iterator<Entry> it = byName.values().iterator(); it.hasNext(); ) {
            final Entry entry = it.next();
            if (entry.up) {
                if (entry.detector.phi(now) > timing.phiThreshold()) {
                    entry.up = false;
                    entry.downSince = now;
                    sink.accept(MemberEvent.down(entry.member, DownReason.FAILED));
                }
            } else if (now - entry.downSince > downRetentionNanos) {
                it.remove();
                retire(entry.member.id(), entry.lastSequence);
            }
        }
    }

    /**
     * Asks the filter again about every member (the strategy's view changed, e.g. a pod left the
     * list while its node still runs) and drops those it refuses, with a down event if they were up.
     * A dropped member is a stranger again: its next heartbeats go through the filter.
     */
    void recheck(AdmissionFilter filter, Consumer<MemberEvent> sink) {
        for (Iterator<Entry> it = byName.values().iterator(); it.hasNext(); ) {
            final Entry entry = it.next();
            if (!filter.admit(entry.member.id(), entry.member.endpoint(), entry.membershipAddress)) {
                it.remove();
                retire(entry.member.id(), entry.lastSequence); // older runs stay out while it is away
                if (entry.up) {
                    sink.accept(MemberEvent.down(entry.member, DownReason.EVICTED));
                }
            }
        }
    }

    /** True while {@code id} (that incarnation) is in the table, up or down. */
    boolean knows(NodeId id) {
        final Entry entry = byName.get(id.name());
        return entry != null && entry.member.id().equals(id);
    }

    /** The membership addresses of the members up now, in no particular order. */
    List<InetSocketAddress> upAddresses() {
        final List<InetSocketAddress> addresses = new ArrayList<>(byName.size());
        for (Entry entry : byName.values()) {
            if (entry.up) {
                addresses.add(entry.membershipAddress);
            }
        }
        return addresses;
    }

    /** The membership addresses of every member remembered, up or down (down ones may come back). */
    List<InetSocketAddress> knownAddresses() {
        final List<InetSocketAddress> addresses = new ArrayList<>(byName.size());
        for (Entry entry : byName.values()) {
            addresses.add(entry.membershipAddress);
        }
        return addresses;
    }
}
