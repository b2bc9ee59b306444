package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

class MemberTableTest {

    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final NodeId SELF = new NodeId("self", 1);
    static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);

    /** The wall clock the table reads, in ms: incarnations are start times. */
    static final long WALL_MS = 1_795_000_000_000L;
    private final MemberTable table = new MemberTable(SELF, Timing.DEFAULTS, 60_000 * MS, () -> WALL_MS);
    private final List<String> events = new ArrayList<>();
    private AdmissionFilter filter = AdmissionFilter.ANY;
    private long now = 1_000_000 * MS;

    static Heartbeat beat(String name, long incarnation, long sequence, boolean leave) {
        return new Heartbeat(new NodeId(name, incarnation), sequence, leave, new Endpoint("127.0.0.1", 7000), null,
                List.of());
    }

    private Counter receive(String name, long incarnation, long sequence) {
        return table.onHeartbeat(beat(name, incarnation, sequence, false), SOURCE, now, filter, this::record);
    }

    private Counter leave(String name, long incarnation, long sequence) {
        return table.onHeartbeat(beat(name, incarnation, sequence, true), SOURCE, now, filter, this::record);
    }

    private void record(MemberEvent event) {
        events.add(event.up() ? "up " + event.member().id() : "down " + event.member().id() + " " + event.reason());
    }

    /** Heartbeats from a every 100 ms for {@code ms}. */
    private long steady(String name, long incarnation, long sequence, long ms) {
        for (long t = 0; t < ms; t += 100) {
            now += 100 * MS;
            receive(name, incarnation, ++sequence);
            table.check(now, this::record);
        }
        return sequence;
    }

    @Test
    void aNewNodeIsUpOnce() {
        assertThat(receive("a", 1, 1)).isNull();
        steady("a", 1, 1, 2000);
        assertThat(events).containsExactly("up a#1");
        assertThat(table.upAddresses()).containsExactly(SOURCE);
    }

    @Test
    void anOldOrRepeatedSequenceIsAReplay() {
        receive("a", 1, 5);
        assertThat(receive("a", 1, 5)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(receive("a", 1, 4)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(events).containsExactly("up a#1");
    }

    @Test
    void aNewIncarnationReplacesTheOld_downBeforeUp_andTheOldStaysOut() {
        receive("a", 1, 10);
        assertThat(receive("a", 2, 1)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 REPLACED", "up a#2");
        assertThat(receive("a", 1, 11)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        assertThat(events).hasSize(3);
    }

    @Test
    void leaveRemovesAtOnce_andLateOrReplayedPacketsDoNotRevive() {
        receive("a", 1, 1);
        assertThat(leave("a", 1, 2)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 LEFT");
        assertThat(receive("a", 1, 2)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(leave("a", 1, 1)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(table.upAddresses()).isEmpty();
        // The same run, its membership restarted (sequence moves on): a member again.
        assertThat(receive("a", 1, 3)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 LEFT", "up a#1");
    }

    @Test
    void silenceFails_andTheSameIncarnationComesBackOnce() {
        long sequence = steady("a", 1, 0, 2000);
        now += 1000 * MS;
        table.check(now, this::record);
        assertThat(events).containsExactly("up a#1");
        now += 1000 * MS;
        table.check(now, this::record);
        assertThat(events).containsExactly("up a#1", "down a#1 FAILED");
        now += 5000 * MS;
        steady("a", 1, sequence, 2000);
        assertThat(events).containsExactly("up a#1", "down a#1 FAILED", "up a#1");
    }

    @Test
    void aFailedMemberIsForgottenAfterTheRetention_andAdmittedAgainIfItReturns() {
        final long sequence = steady("a", 1, 0, 500);
        now += 3_000 * MS;
        table.check(now, this::record);
        now += 59_000 * MS;
        table.check(now, this::record);
        assertThat(table.knownAddresses()).containsExactly(SOURCE);
        now += 2_000 * MS;
        table.check(now, this::record);
        assertThat(table.knownAddresses()).isEmpty();
        assertThat(receive("a", 1, sequence)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(receive("a", 1, sequence + 1)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 FAILED", "up a#1");
    }

    @Test
    void theAdmissionFilterKeepsStrangersOut_andIsAskedAgainLater() {
        filter = (id, transport, source) -> false;
        assertThat(receive("a", 1, 1)).isEqualTo(Counter.REFUSED_NOT_ADMITTED);
        receive("b", 1, 1);
        filter = (id, transport, source) -> id.name().equals("a");
        assertThat(receive("a", 1, 2)).isNull();
        // A member's new incarnation is a stranger too.
        filter = (id, transport, source) -> false;
        assertThat(receive("a", 2, 1)).isEqualTo(Counter.REFUSED_NOT_ADMITTED);
        assertThat(events).containsExactly("up a#1");
    }

    @Test
    void aRecheckDropsMembersTheFilterNoLongerAdmits_untilItAdmitsThemAgain() {
        receive("a", 1, 1);
        receive("b", 1, 1);
        filter = (id, transport, source) -> id.name().equals("b");
        table.recheck(filter, this::record);
        assertThat(events).containsExactly("up a#1", "up b#1", "down a#1 EVICTED");
        assertThat(receive("a", 1, 2)).isEqualTo(Counter.REFUSED_NOT_ADMITTED);
        filter = AdmissionFilter.ANY;
        assertThat(receive("a", 1, 3)).isNull();
        assertThat(events).containsExactly("up a#1", "up b#1", "down a#1 EVICTED", "up a#1");
    }

    @Test
    void ourOwnEchoIsIgnored_andOurNameUnderAnotherIncarnationRefused() {
        assertThat(receive("self", 1, 1)).isNull();
        assertThat(receive("self", 2, 1)).isEqualTo(Counter.REFUSED_OWN_NAME);
        assertThat(events).isEmpty();
    }

    @Test
    void aLeaveFromAnUnknownNewerIncarnationStillRetiresItsPredecessor() {
        receive("a", 1, 1);
        assertThat(leave("a", 2, 7)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 REPLACED");
        assertThat(receive("a", 2, 6)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(receive("a", 1, 2)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
    }

    /** Real incarnations: start time in ms, shifted, and 16 random bits. */
    static long incarnation(long startMs, int random) {
        return startMs << 16 | (random & 0xffff);
    }

    @Test
    void aStaleLeaveOfAnOldIncarnationNeverRetiresTheLiveOne() {
        final long old = incarnation(1_000, 0xbeef);
        final long live = incarnation(2_000, 0x0001);
        receive("a", live, 1);
        assertThat(leave("a", old, 9)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        assertThat(receive("a", live, 2)).isNull();
        steady("a", live, 2, 2_000);
        assertThat(events).containsExactly("up a#" + Long.toHexString(live));
    }

    @Test
    void aReplayedOldIncarnationNeverReplacesTheCurrentOne_andTheCurrentOneKeepsBeingAccepted() {
        // A node that never saw a#old retire: it only knows a#live, then a capture of a#old arrives.
        final long old = incarnation(1_000, 0xffff);
        final long live = incarnation(1_001, 0x0000);
        long sequence = steady("a", live, 0, 500);
        assertThat(receive("a", old, 1_000_000)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        assertThat(leave("a", old, 1_000_001)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        sequence = steady("a", live, sequence, 3_000);
        assertThat(receive("a", live, sequence + 1)).isNull();
        assertThat(events).containsExactly("up a#" + Long.toHexString(live));
    }

    @Test
    void theCaptureArrivingFirstIsReplacedByTheLiveOne_andNeverComesBack() {
        final long old = incarnation(1_000, 7);
        final long live = incarnation(5_000, 3);
        assertThat(receive("a", old, 50)).isNull();
        assertThat(receive("a", live, 1)).isNull();
        assertThat(receive("a", old, 51)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        assertThat(receive("a", live, 2)).isNull();
        assertThat(events).containsExactly("up a#" + Long.toHexString(old), "down a#" + Long.toHexString(old)
                + " REPLACED", "up a#" + Long.toHexString(live));
    }

    @Test
    void olderIncarnationsStayOutAfterManyRetirementsOfThatName_andAfterTheNameWasForgotten() {
        // More incarnations of one name than any per-incarnation memory holds.
        for (int i = 1; i <= 3 * MemberTable.RETIRED_CAPACITY; i++) {
            assertThat(receive("a", incarnation(i, 0), 1)).isNull();
        }
        assertThat(receive("a", incarnation(1, 0), 2)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        // The current one fails and is forgotten: its floor stays.
        final long last = incarnation(3L * MemberTable.RETIRED_CAPACITY, 0);
        now += 70_000 * MS;
        table.check(now, this::record);
        now += 70_000 * MS;
        table.check(now, this::record);
        assertThat(table.knownAddresses()).isEmpty();
        assertThat(receive("a", incarnation(2, 0), 5)).isEqualTo(Counter.REFUSED_STALE_INCARNATION);
        assertThat(receive("a", last, 1)).isEqualTo(Counter.REFUSED_REPLAY);
        assertThat(receive("a", last, 2)).isNull();
    }

    @Test
    void floorsAreBoundedWhateverNamesKeyHoldersAnnounce() {
        for (int i = 0; i < 5 * MemberTable.RETIRED_CAPACITY; i++) {
            receive("n" + i, incarnation(1_000, i), 1);
            leave("n" + i, incarnation(1_000, i), 2);
        }
        assertThat(table.floorCount()).isEqualTo(MemberTable.RETIRED_CAPACITY);
        assertThat(table.knownAddresses()).isEmpty();
    }

    @Test
    void anIncarnationFromTheFarFutureIsRefused_soNoKeyHolderCanLockANameOut() {
        final long inAYear = incarnation(WALL_MS + 365L * 24 * 3_600_000, 0);
        assertThat(receive("a", inAYear, 1)).isEqualTo(Counter.REFUSED_FUTURE_INCARNATION);
        assertThat(leave("a", Long.MAX_VALUE, 1)).isEqualTo(Counter.REFUSED_FUTURE_INCARNATION);
        final long startedNow = incarnation(WALL_MS, 0x1234);
        assertThat(receive("a", startedNow, 1)).isNull();
        assertThat(events).containsExactly("up a#" + Long.toHexString(startedNow));
    }
}
