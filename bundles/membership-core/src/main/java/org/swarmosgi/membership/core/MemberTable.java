package org.swarmosgi.membership.core;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;

/**
 * The members as this node judges them, and the SPI contract made mechanical: one up per
 * incarnation; a new incarnation of a name brings down(old) before up(new), never both up; LEAVE
 * removes at once; a member failed by the detector that heartbeats again under the same incarnation
 * comes back up once. Pure state, driven by the engine thread with explicit time; events go to a sink
 * in the order they happen.
 */
final class MemberTable {

    /** Incarnations remembered after they left or were replaced, so late or replayed packets stay out. */
    static final int RETIRED_CAPACITY = 4096;

    private final NodeId self;
    private final Timing timing;
    private final long downRetentionNanos;
    private final Map<String, Entry> byName = new HashMap<>();
    /** Last sequence of incarnations no longer in the table; Long.MAX_VALUE when replaced for good. */
    private final Map<NodeId, Long> retired = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<NodeId, Long> eldest) {
            return size() > RETIRED_CAPACITY;
        }
    };

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
     */
    MemberTable(NodeId self, Timing timing, long downRetentionNanos) {
        this.self = self;
        this.timing = timing;
        this.downRetentionNanos = downRetentionNanos;
    }

    /**
     * Applies one authenticated heartbeat.
     *
     * @return null when accepted (or our own echo), else the reason it was refused
     */
    Counter onHeartbeat(Heartbeat heartbeat, InetSocketAddress source, long now, AdmissionFilter filter,
                        Consumer<MemberEvent> sink) {
        final NodeId id = heartbeat.id();
        if (id.name().equals(self.name())) {
            return id.incarnation() == self.incarnation() ? null : Counter.REFUSED_OWN_NAME;
        }
        final Long retiredSequence = retired.get(id);
        if (retiredSequence != null) {
            if (heartbeat.sequence() <= retiredSequence) {
                return retiredSequence == Long.MAX_VALUE ? Counter.REFUSED_STALE_INCARNATION : Counter.REFUSED_REPLAY;
            }
            retired.remove(id); // the same run, back after a clean stop of its membership (reconfigured)
        }
        Entry entry = byName.get(id.name());
        if (entry != null && !entry.member.id().equals(id)) {
            if (!filter.admit(id, heartbeat.transport(), source)) {
                return Counter.REFUSED_NOT_ADMITTED;
            }
            if (entry.up) {
                sink.accept(MemberEvent.down(entry.member, DownReason.REPLACED));
            }
            byName.remove(id.name());
            retired.put(entry.member.id(), Long.MAX_VALUE);
            entry = null;
        }
        if (entry == null) {
            if (!heartbeat.leave() && !filter.admit(id, heartbeat.transport(), source)) {
                return Counter.REFUSED_NOT_ADMITTED;
            }
            retireOtherIncarnations(id);
            if (heartbeat.leave()) {
                retired.put(id, heartbeat.sequence());
                return null;
            }
            entry = new Entry(new Member(id, heartbeat.transport()), new PhiAccrualDetector(
                    timing.heartbeatInterval().toNanos(), timing.acceptablePause().toNanos(),
                    timing.minStdDeviation().toNanos(), now));
            entry.lastSequence = heartbeat.sequence();
            entry.membershipAddress = heartbeat.membership() != null ? heartbeat.membership() : source;
            entry.up = true;
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
            retired.put(id, heartbeat.sequence());
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

    /**
     * The incarnation accepted last is its name's current one: earlier ones that left or were
     * forgotten must not come back (a paused old run resuming after its successor was seen).
     * Runs only when a new incarnation is accepted, which is rare.
     */
    private void retireOtherIncarnations(NodeId id) {
        for (Map.Entry<NodeId, Long> old : retired.entrySet()) {
            if (old.getKey().name().equals(id.name()) && old.getKey().incarnation() != id.incarnation()) {
                old.setValue(Long.MAX_VALUE);
            }
        }
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
                retired.put(entry.member.id(), entry.lastSequence);
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
                if (entry.up) {
                    sink.accept(MemberEvent.down(entry.member, DownReason.EVICTED));
                }
            }
        }
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
