package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.WorkerRef;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class MsgCodecTest {
    private static final NodeId A = new NodeId("a", 42);
    private static final Record R = new Record("counter-1", new WorkerRef(A, 7), "counter", new byte[] {1, 2},
        9, new String[] {"g1", "g2"});
    private static final Record MOVED = new Record("counter-2", new WorkerRef(A, 8), "counter", null, 10, null, 3);

    private static Msg roundTrip(Msg m) {
        return MsgCodec.decode(ByteBuffer.wrap(MsgCodec.encode(m)));
    }

    @Test
    void everyMessageRoundTrips() {
        final List<Msg> all = List.of(
            new Msg.Ops(List.of(new Op.Put(R), new Op.Remove(10, "x", StopReason.CRASHED), new Op.Types(11, Set.of("t"), Set.of("gpu", "eu")))),
            new Msg.SeqAnnounce(5),
            new Msg.RegisterReq(1, "n", "t", new byte[] {3}, true),
            new Msg.ClaimReq(2, "n"),
            new Msg.ClaimAbort(7, "n"),
            new Msg.StartReq(3, "n", "t", new byte[0]),
            new Msg.StartReq(3, "n", "t", new byte[] {4}, 5, new String[] {"g1", "g2"}, StartReason.HANDED_OFF, new byte[] {6}),
            new Msg.StartReq(3, "n", "t", new byte[0], 1, null, StartReason.RESTARTED, null),
            new Msg.Ops(List.of(new Op.Put(MOVED))),
            new Msg.Checkpoint("n", R.ref, 4, new byte[] {7, 8}),
            new Msg.Checkpoint("n", R.ref, 0, new byte[0]),
            new Msg.Reply(4, Msg.Status.EXISTS, R, new Op.Put(R), "why"),
            new Msg.Reply(4, Msg.Status.RETRY, null, null, null),
            new Msg.LookupReq(5, "n"),
            new Msg.NameReq(6, Msg.NameAction.JOIN, "n", "g"),
            new Msg.NameReq(6, Msg.NameAction.UNREGISTER, "n", null),
            new Msg.NameFwd(A, 7, Msg.NameAction.LEAVE, "n", "g"),
            new Msg.NameDone(A, 8, Msg.Status.OK, R, new Op.Remove(12, "n", StopReason.UNREGISTERED)),
            new Msg.MonitorReq(9, R.ref),
            new Msg.MonitorFired(9, StopReason.NODE_DOWN),
            new Msg.ConflictLose("n", R.ref, new WorkerRef(A, 8)),
            new Msg.ConflictState("n", R.ref, null),
            new Msg.ConflictState("n", R.ref, new byte[] {9}));
        for (Msg m : all) {
            assertThat(roundTrip(m)).as(m.toString()).usingRecursiveComparison().isEqualTo(m);
        }
        final Msg.SyncReply sync = (Msg.SyncReply) roundTrip(new Msg.SyncReply(1, 2, 5, new int[] {3, 4}, List.of(R), true,
            Set.of("t"), Set.of("gpu")));
        assertThat(sync.part()).isEqualTo(5);
        assertThat(sync.buckets()).containsExactly(3, 4);
        assertThat(sync.records()).containsExactly(R);
        assertThat(sync.types()).containsExactly("t");
        assertThat(sync.roles()).containsExactly("gpu");
        final Msg.SyncReply part = (Msg.SyncReply) roundTrip(new Msg.SyncReply(1, 2, 0, new int[0], List.of(), false, null, null));
        assertThat(part.types()).isNull();
        assertThat(part.roles()).isNull();
        final Msg.StartReply start = (Msg.StartReply) roundTrip(new Msg.StartReply(1, "n", R, Msg.Status.OK, null));
        assertThat(start.record()).isEqualTo(R);
    }

    @Test
    void refusesANegativeGenerationAndAGroupNamedTwice() {
        final byte[] ok = MsgCodec.encode(new Msg.StartReq(3, "n", "t", new byte[0], 7, new String[] {"g1", "g2"},
            StartReason.HANDED_OFF, null));
        final byte[] negative = MsgCodec.encode(new Msg.StartReq(3, "n", "t", new byte[0], -1, null, StartReason.HANDED_OFF, null));
        assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(negative))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("generation");
        final byte[] twice = MsgCodec.encode(new Msg.StartReq(3, "n", "t", new byte[0], 7, new String[] {"g1", "g1"},
            StartReason.HANDED_OFF, null));
        assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(twice))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("twice");
        final byte[] badReason = ok.clone();
        badReason[badReason.length - 2] = 99; // the start reason
        assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(badReason))).isInstanceOf(IllegalArgumentException.class);
        final Record moved = ((Msg.Ops) MsgCodec.decode(ByteBuffer.wrap(MsgCodec.encode(new Msg.Ops(List.of(new Op.Put(MOVED)))))))
            .ops().get(0) instanceof Op.Put p ? p.record() : null;
        assertThat(moved).isEqualTo(MOVED);
        assertThat(moved.gen).isEqualTo(3);
    }

    @Test
    void recordsOfOneMessageShareTheirNodeAndTypeWhenEqual() {
        final NodeId b = new NodeId("b", 42);
        final NodeId aLater = new NodeId("a", 43);
        final List<Record> records = List.of(R, new Record("x", new WorkerRef(A, 8), null, new byte[0], 10, new String[0]),
            new Record("y", new WorkerRef(b, 1), "counter", new byte[0], 11, new String[0]),
            new Record("z", new WorkerRef(aLater, 1), "count", new byte[0], 12, new String[0]),
            new Record("w", new WorkerRef(A, 9), "counter", new byte[0], 13, new String[0]));
        final Msg.Ops ops = new Msg.Ops(records.stream().<Op>map(Op.Put::new).toList());
        final List<Record> back = ((Msg.Ops) roundTrip(ops)).ops().stream().map(op -> ((Op.Put) op).record()).toList();
        assertThat(back).containsExactlyElementsOf(records);
        assertThat(back.get(1).ref.node()).isSameAs(back.get(0).ref.node());
        assertThat(back.get(3).ref.node()).isEqualTo(aLater);
        assertThat(back.get(3).type).isEqualTo("count");
        assertThat(back.get(4).type).isEqualTo("counter");
    }

    @Test
    void framesHoldWhatDecodeAllReadsBack() {
        final MsgCodec.Frames frames = new MsgCodec.Frames();
        final Msg one = new Msg.Reply(4, Msg.Status.OK, R, null, null);
        frames.clear();
        frames.add(one);
        assertThat(frames.payload().get(0)).as("a single message goes as it is").isEqualTo(MsgCodec.encode(one)[0]);
        assertThat(MsgCodec.decodeAll(frames.payload())).usingRecursiveFieldByFieldElementComparator().containsExactly(one);

        // Several, one of them shared as bytes, names with and without non-ASCII characters.
        final Record accented = new Record("zähler-é", new WorkerRef(new NodeId("knoten-ü", 3), 1), "t", new byte[0], 2,
            new String[] {"grüppe"});
        final List<Msg> batch = List.of(new Msg.SeqAnnounce(5), new Msg.Ops(List.of(new Op.Put(accented), new Op.Put(R))),
            new Msg.RegisterReq(1, "a-ß", "t", new byte[] {3}, false));
        frames.clear();
        frames.add(batch.get(0));
        frames.add(MsgCodec.encode(batch.get(1)));
        frames.add(batch.get(2));
        assertThat(MsgCodec.decodeAll(frames.payload())).usingRecursiveFieldByFieldElementComparator()
            .containsExactlyElementsOf(batch);
        assertThat(frames.payload().remaining()).isEqualTo(MsgCodec.encodeAll(batch).length);

        // The last one taken out again goes first in the next frame.
        final byte[] moved = frames.removeLast();
        assertThat(MsgCodec.decodeAll(frames.payload())).usingRecursiveFieldByFieldElementComparator()
            .containsExactlyElementsOf(batch.subList(0, 2));
        frames.clear();
        frames.add(moved);
        assertThat(MsgCodec.decodeAll(frames.payload())).usingRecursiveFieldByFieldElementComparator()
            .containsExactly(batch.get(2));

        // A message that cannot be encoded leaves the frame as it was.
        final int size = frames.size();
        assertThatThrownBy(() -> frames.add(new Msg.ClaimReq(9, "x".repeat(70_000))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(frames.size()).isEqualTo(size);
        assertThat(MsgCodec.decodeAll(frames.payload())).usingRecursiveFieldByFieldElementComparator()
            .containsExactly(batch.get(2));
    }

    @Test
    void batchesRoundTripAndRefuseNestingAndTrailingBytes() {
        final List<Msg> batch = List.of(new Msg.SeqAnnounce(5), new Msg.ClaimReq(2, "n"),
            new Msg.Reply(4, Msg.Status.EXISTS, R, new Op.Put(R), "why"));
        assertThat(MsgCodec.decodeAll(ByteBuffer.wrap(MsgCodec.encodeAll(batch)))).usingRecursiveFieldByFieldElementComparator()
            .containsExactlyElementsOf(batch);
        assertThat(MsgCodec.decodeAll(ByteBuffer.wrap(MsgCodec.encodeAll(List.of(new Msg.SeqAnnounce(7))))))
            .usingRecursiveFieldByFieldElementComparator().containsExactly(new Msg.SeqAnnounce(7));
        final byte[] inner = MsgCodec.encodeAll(batch);
        final byte[] nested = MsgCodec.batch(List.of(inner, inner));
        assertThatThrownBy(() -> MsgCodec.decodeAll(ByteBuffer.wrap(nested))).isInstanceOf(IllegalArgumentException.class);
        final byte[] trailing = java.util.Arrays.copyOf(inner, inner.length + 1);
        assertThatThrownBy(() -> MsgCodec.decodeAll(ByteBuffer.wrap(trailing))).isInstanceOf(IllegalArgumentException.class);
        for (int cut = 1; cut < inner.length; cut++) {
            final byte[] truncated = java.util.Arrays.copyOf(inner, cut);
            assertThatThrownBy(() -> MsgCodec.decodeAll(ByteBuffer.wrap(truncated)))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 2000)
    void mutatedBatchesNeverThrowAnythingButIllegalArgument(@ForAll int position, @ForAll byte value) {
        final byte[] bytes = MsgCodec.encodeAll(List.of(new Msg.SeqAnnounce(5),
            new Msg.Reply(4, Msg.Status.EXISTS, R, new Op.Put(R), "why")));
        bytes[Math.floorMod(position, bytes.length)] = value;
        try {
            MsgCodec.decodeAll(ByteBuffer.wrap(bytes));
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }

    @Test
    void hostileLengthsAreRefusedBeforeAnythingIsAllocated() {
        // An Ops message claiming two billion operations in five bytes.
        assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(new byte[] {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff})))
            .isInstanceOf(IllegalArgumentException.class);
        final byte[] register = MsgCodec.encode(new Msg.RegisterReq(1, "n", "t", new byte[] {1}, false));
        for (int cut = 0; cut < register.length; cut++) {
            final byte[] truncated = java.util.Arrays.copyOf(register, cut);
            assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(truncated))).isInstanceOf(IllegalArgumentException.class);
        }
        final byte[] trailing = java.util.Arrays.copyOf(register, register.length + 1);
        assertThatThrownBy(() -> MsgCodec.decode(ByteBuffer.wrap(trailing))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("after the message");
    }

    @Test
    void namesFromTheWireFollowTheApiRules() {
        assertThatThrownBy(() -> roundTrip(new Msg.ClaimReq(1, "bad\nname"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("control");
        assertThatThrownBy(() -> roundTrip(new Msg.ClaimReq(1, ""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> roundTrip(new Msg.ClaimReq(1, "é".repeat(600)))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bytes");
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAnythingButIllegalArgument(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            MsgCodec.decode(ByteBuffer.wrap(bytes));
        } catch (IllegalArgumentException expected) {
            // refused, as it should be
        }
    }

    @Property(tries = 2000)
    void mutatedMessagesNeverThrowAnythingButIllegalArgument(@ForAll int position, @ForAll byte value) {
        final byte[] bytes = MsgCodec.encode(new Msg.Reply(4, Msg.Status.EXISTS, R, new Op.Put(R), "why"));
        bytes[Math.floorMod(position, bytes.length)] = value;
        try {
            MsgCodec.decode(ByteBuffer.wrap(bytes));
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }
}
