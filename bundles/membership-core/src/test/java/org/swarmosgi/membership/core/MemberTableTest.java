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

    private final MemberTable table = new MemberTable(SELF, Timing.DEFAULTS, 60_000 * MS);
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
    void aLeaveFromAnUnknownIncarnationStillRetiresItsPredecessor() {
        receive("a", 1, 1);
        assertThat(leave("a", 2, 7)).isNull();
        assertThat(events).containsExactly("up a#1", "down a#1 REPLACED");
        assertThat(receive("a", 2, 6)).isEqualTo(Counter.REFUSED_REPLAY);
    }
}
