package org.swarmosgi.registry.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.registry.internal.Msg.NameAction;
import org.swarmosgi.registry.internal.Msg.Status;

/**
 * The registry protocol on the wire: one tag byte per message, big-endian numbers, strings as a
 * 2-byte length and UTF-8, byte arrays as a 4-byte length. Bytes come from authenticated peers, yet
 * decoding still checks every length against what is left and against limits, and refuses
 * anything malformed with {@link IllegalArgumentException}: a peer with a bug never grows our memory
 * or stops the registry. No Java serialization.
 */
final class MsgCodec {
    static final int MAX_ARGS = 16 * 1024 * 1024;
    static final int MAX_GROUPS = 65_536;
    static final int MAX_LIST = 10_000_000;

    private static final byte OPS = 1, ANNOUNCE = 2, SYNC_REQ = 3, SYNC_REPLY = 4, REGISTER = 5, CLAIM = 6,
        CLAIM_ABORT = 7, START = 8, START_REPLY = 9, REPLY = 10, LOOKUP = 11, NAME = 12, NAME_FWD = 13,
        NAME_DONE = 14, MONITOR = 15, MONITOR_FIRED = 16, CONFLICT_LOSE = 17, CONFLICT_STATE = 18;
    /** Several messages to one peer in one transport message: count, then each as length and bytes. */
    private static final byte BATCH = 19;
    private static final byte CHECKPOINT = 20;
    private static final byte OP_PUT = 1, OP_REMOVE = 2, OP_TYPES = 3;
    private static final Status[] STATUSES = Status.values();
    private static final NameAction[] ACTIONS = NameAction.values();
    private static final StopReason[] REASONS = StopReason.values();
    private static final StartReason[] START_REASONS = StartReason.values();

    /** True if {@code payload} (at its position) starts with a part of a sync answer. */
    static boolean startsWithSyncReply(ByteBuffer payload) {
        return payload.hasRemaining() && payload.get(payload.position()) == SYNC_REPLY;
    }

    private MsgCodec() {
    }

    // ================================================================ encoding

    /** One message as {@link #encode}, several as one batch that {@link #decodeAll} splits again. */
    static byte[] encodeAll(List<Msg> messages) {
        if (messages.size() == 1) {
            return encode(messages.get(0));
        }
        final List<byte[]> parts = new ArrayList<>(messages.size());
        for (Msg m : messages) {
            parts.add(encode(m));
        }
        return batch(parts);
    }

    /** Encoded messages as one: a single one as it is, several as a batch. */
    static byte[] batch(List<byte[]> encoded) {
        if (encoded.size() == 1) {
            return encoded.get(0);
        }
        int size = 5;
        for (byte[] part : encoded) {
            size += 4 + part.length;
        }
        final Writer w = new Writer(size);
        w.b(BATCH).i(encoded.size());
        for (byte[] part : encoded) {
            w.bytes(part);
        }
        return w.toArray();
    }

    static byte[] encode(Msg m) {
        final Writer w = new Writer(64);
        encode(w, m);
        return w.toArray();
    }

    /**
     * A peer's messages as transport payloads of at most {@code limit} bytes each (a batch, or a single
     * message as it is, as {@link #batch} makes them), written into buffers this instance reuses: a turn's
     * messages cost no array per message, per frame or per ASCII string. One thread only.
     */
    static final class Frames {
        /** Largest buffer kept between frames: a sync's parts are rare and large. */
        private static final int KEPT_FRAME_BYTES = 1 << 20;
        private final Writer w = new Writer(4096);
        private int count;
        /** Where the last message's length field is. */
        private int last;

        /** Starts an empty frame (giving back the room a very large one took). */
        void clear() {
            if (w.buf.length > KEPT_FRAME_BYTES) {
                w.buf = new byte[4096];
            }
            w.pos = 0;
            w.b(BATCH).i(0);
            count = 0;
        }

        int count() {
            return count;
        }

        int size() {
            return w.pos;
        }

        /** Appends {@code m}; one that cannot be encoded leaves the frame as it was. */
        void add(Msg m) {
            last = w.pos;
            w.i(0);
            try {
                encode(w, m);
            } catch (RuntimeException e) {
                w.pos = last;
                throw e;
            }
            final int length = w.pos - last - 4;
            w.putInt(last, length);
            count++;
        }

        void add(byte[] encoded) {
            last = w.pos;
            w.bytes(encoded);
            count++;
        }

        /** The last message's bytes (a copy), to add to other peers' frames. */
        byte[] lastBytes() {
            return Arrays.copyOfRange(w.buf, last + 4, w.pos);
        }

        /** Takes the last message out of the frame again: its bytes. */
        byte[] removeLast() {
            final byte[] part = lastBytes();
            w.pos = last;
            count--;
            return part;
        }

        /** The frame's payload, valid until the next change: a batch, or the one message alone. */
        ByteBuffer payload() {
            if (count == 1) {
                return ByteBuffer.wrap(w.buf, 9, w.pos - 9).slice();
            }
            w.putInt(1, count);
            return ByteBuffer.wrap(w.buf, 0, w.pos);
        }
    }

    private static void encode(Writer w, Msg m) {
        if (m instanceof Msg.Ops o) {
            w.b(OPS).i(o.ops().size());
            for (Op op : o.ops()) {
                op(w, op);
            }
        } else if (m instanceof Msg.SeqAnnounce a) {
            w.b(ANNOUNCE).l(a.seq());
        } else if (m instanceof Msg.SyncRequest r) {
            w.b(SYNC_REQ).l(r.nonce()).i(r.digests().length);
            for (long d : r.digests()) {
                w.l(d);
            }
        } else if (m instanceof Msg.SyncReply r) {
            w.b(SYNC_REPLY).l(r.nonce()).l(r.seq()).i(r.part()).i(r.buckets().length);
            for (int b : r.buckets()) {
                w.i(b);
            }
            w.i(r.records().size());
            for (Record rec : r.records()) {
                record(w, rec);
            }
            w.b(r.last() ? 1 : 0);
            strings(w, r.types());
            strings(w, r.roles());
        } else if (m instanceof Msg.RegisterReq r) {
            w.b(REGISTER).l(r.corr()).s(r.name()).s(r.type()).bytes(r.args()).b(r.orExisting() ? 1 : 0);
        } else if (m instanceof Msg.ClaimReq r) {
            w.b(CLAIM).l(r.corr()).s(r.name());
        } else if (m instanceof Msg.ClaimAbort r) {
            w.b(CLAIM_ABORT).l(r.corr()).s(r.name());
        } else if (m instanceof Msg.StartReq r) {
            w.b(START).l(r.claimId()).s(r.name()).s(r.type()).bytes(r.args()).l(r.gen());
            groups(w, r.groups());
            w.b(r.reason().ordinal()).b(r.state() == null ? 0 : 1);
            if (r.state() != null) {
                w.bytes(r.state());
            }
        } else if (m instanceof Msg.StartReply r) {
            w.b(START_REPLY).l(r.claimId()).s(r.name()).b(r.status().ordinal()).ns(r.error());
            optionalRecord(w, r.record());
        } else if (m instanceof Msg.Reply r) {
            w.b(REPLY).l(r.corr()).b(r.status().ordinal()).ns(r.error());
            optionalRecord(w, r.record());
            optionalOp(w, r.op());
        } else if (m instanceof Msg.LookupReq r) {
            w.b(LOOKUP).l(r.corr()).s(r.name());
        } else if (m instanceof Msg.NameReq r) {
            w.b(NAME).l(r.corr()).b(r.action().ordinal()).s(r.name()).ns(r.group());
        } else if (m instanceof Msg.NameFwd r) {
            w.b(NAME_FWD);
            node(w, r.origin());
            w.l(r.corr()).b(r.action().ordinal()).s(r.name()).ns(r.group());
        } else if (m instanceof Msg.NameDone r) {
            w.b(NAME_DONE);
            node(w, r.origin());
            w.l(r.corr()).b(r.status().ordinal());
            optionalRecord(w, r.record());
            optionalOp(w, r.op());
        } else if (m instanceof Msg.MonitorReq r) {
            w.b(MONITOR).l(r.id());
            ref(w, r.ref());
        } else if (m instanceof Msg.MonitorFired r) {
            w.b(MONITOR_FIRED).l(r.id()).b(r.reason().ordinal());
        } else if (m instanceof Msg.ConflictLose r) {
            w.b(CONFLICT_LOSE).s(r.name());
            ref(w, r.loser());
            ref(w, r.winner());
        } else if (m instanceof Msg.ConflictState r) {
            w.b(CONFLICT_STATE).s(r.name());
            ref(w, r.winner());
            w.b(r.state() == null ? 0 : 1);
            if (r.state() != null) {
                w.bytes(r.state());
            }
        } else if (m instanceof Msg.Checkpoint c) {
            w.b(CHECKPOINT).s(c.name());
            ref(w, c.ref());
            w.l(c.gen()).bytes(c.state());
        } else {
            throw new IllegalArgumentException("no encoding for " + m.getClass().getName());
        }
    }

    private static void op(Writer w, Op op) {
        if (op instanceof Op.Put p) {
            w.b(OP_PUT);
            record(w, p.record());
        } else if (op instanceof Op.Remove r) {
            w.b(OP_REMOVE).l(r.seq()).s(r.name()).b(r.reason().ordinal());
        } else if (op instanceof Op.Types t) {
            w.b(OP_TYPES).l(t.seq());
            strings(w, t.types());
            strings(w, t.roles());
        }
    }

    private static void optionalOp(Writer w, Op op) {
        w.b(op == null ? 0 : 1);
        if (op != null) {
            op(w, op);
        }
    }

    private static void record(Writer w, Record r) {
        w.s(r.name);
        ref(w, r.ref);
        w.ns(r.type).bytes(r.args).l(r.version).l(r.gen);
        groups(w, r.groups);
    }

    private static void groups(Writer w, String[] groups) {
        w.i(groups.length);
        for (String g : groups) {
            w.s(g);
        }
    }

    private static void optionalRecord(Writer w, Record r) {
        w.b(r == null ? 0 : 1);
        if (r != null) {
            record(w, r);
        }
    }

    private static void ref(Writer w, WorkerRef ref) {
        node(w, ref.node());
        w.l(ref.id());
    }

    private static void node(Writer w, NodeId id) {
        w.s(id.name()).l(id.incarnation());
    }

    private static void strings(Writer w, Set<String> set) {
        if (set == null) {
            w.i(-1);
            return;
        }
        w.i(set.size());
        for (String s : set) {
            w.s(s);
        }
    }

    // ================================================================ decoding

    /** The messages of a transport message: a batch of {@link #encodeAll}, or a single one. */
    static List<Msg> decodeAll(ByteBuffer in) {
        if (!in.hasRemaining() || in.get(in.position()) != BATCH) {
            return List.of(decode(in));
        }
        final Reader r = new Reader(in);
        r.b();
        final int n = r.count(MAX_LIST);
        final List<Msg> out = new ArrayList<>(Math.min(n, 1024));
        final int limit = in.limit();
        for (int i = 0; i < n; i++) {
            final int length = r.count(Integer.MAX_VALUE);
            r.need(length);
            // Each message is read up to its own end (one reader for them all: no slice, and the
            // messages share the node ids and types they repeat).
            in.limit(in.position() + length);
            try {
                out.add(decode(r)); // a batch inside a batch is an unknown tag there: refused
            } finally {
                in.limit(limit);
            }
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the batch");
        }
        return out;
    }

    static Msg decode(ByteBuffer in) {
        return decode(new Reader(in));
    }

    /** One message: all of what is left of the reader's buffer (up to its limit). */
    private static Msg decode(Reader r) {
        final ByteBuffer in = r.in;
        final Msg m = switch (r.b()) {
            case OPS -> {
                final int n = r.count(MAX_LIST);
                final List<Op> ops = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    ops.add(op(r));
                }
                yield new Msg.Ops(ops);
            }
            case ANNOUNCE -> new Msg.SeqAnnounce(r.l());
            case SYNC_REQ -> {
                final long nonce = r.l();
                final int n = r.count(Partition.BUCKETS);
                final long[] digests = new long[n];
                for (int i = 0; i < n; i++) {
                    digests[i] = r.l();
                }
                yield new Msg.SyncRequest(nonce, digests);
            }
            case SYNC_REPLY -> {
                final long nonce = r.l();
                final long seq = r.l();
                final int part = r.count(MAX_LIST);
                final int nb = r.count(Partition.BUCKETS);
                final int[] buckets = new int[nb];
                for (int i = 0; i < nb; i++) {
                    buckets[i] = r.i();
                }
                final int n = r.count(MAX_LIST);
                final List<Record> records = new ArrayList<>(Math.min(n, 4096));
                for (int i = 0; i < n; i++) {
                    records.add(record(r));
                }
                final boolean last = r.b() != 0;
                yield new Msg.SyncReply(nonce, seq, part, buckets, records, last, strings(r), strings(r));
            }
            case REGISTER -> new Msg.RegisterReq(r.l(), r.name(), r.s(), r.bytes(MAX_ARGS), r.b() != 0);
            case CLAIM -> new Msg.ClaimReq(r.l(), r.name());
            case CLAIM_ABORT -> new Msg.ClaimAbort(r.l(), r.name());
            case START -> {
                final long claimId = r.l();
                final String name = r.name();
                final String type = r.s();
                final byte[] args = r.bytes(MAX_ARGS);
                final long gen = r.l();
                if (gen < 0) {
                    throw new IllegalArgumentException("negative generation");
                }
                final String[] groups = groups(r);
                final StartReason reason = r.of(START_REASONS);
                yield new Msg.StartReq(claimId, name, type, args, gen, groups, reason, r.b() == 0 ? null : r.bytes(MAX_ARGS));
            }
            case START_REPLY -> {
                final long claimId = r.l();
                final String name = r.name();
                final Status status = r.of(STATUSES);
                final String error = r.ns();
                yield new Msg.StartReply(claimId, name, optionalRecord(r), status, error);
            }
            case REPLY -> {
                final long corr = r.l();
                final Status status = r.of(STATUSES);
                final String error = r.ns();
                final Record record = optionalRecord(r);
                yield new Msg.Reply(corr, status, record, optionalOp(r), error);
            }
            case LOOKUP -> new Msg.LookupReq(r.l(), r.name());
            case NAME -> new Msg.NameReq(r.l(), r.of(ACTIONS), r.name(), r.nname());
            case NAME_FWD -> new Msg.NameFwd(node(r), r.l(), r.of(ACTIONS), r.name(), r.nname());
            case NAME_DONE -> {
                final NodeId origin = node(r);
                final long corr = r.l();
                final Status status = r.of(STATUSES);
                final Record record = optionalRecord(r);
                yield new Msg.NameDone(origin, corr, status, record, optionalOp(r));
            }
            case MONITOR -> new Msg.MonitorReq(r.l(), ref(r));
            case MONITOR_FIRED -> new Msg.MonitorFired(r.l(), r.of(REASONS));
            case CONFLICT_LOSE -> new Msg.ConflictLose(r.name(), ref(r), ref(r));
            case CONFLICT_STATE -> {
                final String name = r.name();
                final WorkerRef winner = ref(r);
                yield new Msg.ConflictState(name, winner, r.b() == 0 ? null : r.bytes(MAX_ARGS));
            }
            case CHECKPOINT -> {
                final String name = r.name();
                final WorkerRef ref = ref(r);
                final long gen = r.l();
                if (gen < 0) {
                    throw new IllegalArgumentException("negative generation");
                }
                yield new Msg.Checkpoint(name, ref, gen, r.bytes(MAX_ARGS));
            }
            default -> throw new IllegalArgumentException("unknown registry message tag");
        };
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the message");
        }
        return m;
    }

    private static Op op(Reader r) {
        return switch (r.b()) {
            case OP_PUT -> new Op.Put(record(r));
            case OP_REMOVE -> new Op.Remove(r.l(), r.name(), r.of(REASONS));
            case OP_TYPES -> {
                final long seq = r.l();
                final Set<String> types = strings(r);
                final Set<String> roles = strings(r);
                if (types == null || roles == null) {
                    throw new IllegalArgumentException("types or roles missing");
                }
                yield new Op.Types(seq, types, roles);
            }
            default -> throw new IllegalArgumentException("unknown operation tag");
        };
    }

    private static Op optionalOp(Reader r) {
        return r.b() == 0 ? null : op(r);
    }

    private static Record record(Reader r) {
        final String name = r.name();
        final WorkerRef ref = ref(r);
        final String type = r.sharedType();
        final byte[] args = r.bytes(MAX_ARGS);
        final long version = r.l();
        final long gen = r.l();
        if (gen < 0) {
            throw new IllegalArgumentException("negative generation");
        }
        return new Record(name, ref, type, args, version, groups(r), gen);
    }

    /** Sorted, without duplicates (a record's groups are a set). */
    private static String[] groups(Reader r) {
        final int n = r.count(MAX_GROUPS);
        if (n == 0) {
            return Record.NO_GROUPS;
        }
        final String[] groups = new String[n];
        for (int i = 0; i < n; i++) {
            groups[i] = r.name();
        }
        Arrays.sort(groups);
        for (int i = 1; i < n; i++) {
            if (groups[i].equals(groups[i - 1])) {
                throw new IllegalArgumentException("a group named twice");
            }
        }
        return groups;
    }

    private static Record optionalRecord(Reader r) {
        return r.b() == 0 ? null : record(r);
    }

    private static WorkerRef ref(Reader r) {
        return new WorkerRef(node(r), r.l());
    }

    private static NodeId node(Reader r) {
        final NodeId last = r.lastNode;
        // Records of one host share its id: a replica holds one copy, not one per record, and reading it
        // again costs no string.
        final String name = last != null && r.skipIfNext(last.name()) ? last.name() : r.s();
        final long incarnation = r.l();
        if (last != null && last.incarnation() == incarnation && last.name().equals(name)) {
            return last;
        }
        return r.lastNode = new NodeId(name, incarnation);
    }

    private static Set<String> strings(Reader r) {
        final int n = r.i();
        if (n < 0) {
            return null;
        }
        if (n > MAX_GROUPS) {
            throw new IllegalArgumentException("too many strings: " + n);
        }
        final Set<String> set = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            set.add(r.name());
        }
        return set;
    }

    /** A growable big-endian writer. */
    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        Writer b(int v) {
            room(1);
            buf[pos++] = (byte) v;
            return this;
        }

        Writer i(int v) {
            room(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
            return this;
        }

        Writer l(long v) {
            room(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
            return this;
        }

        void putInt(int at, int v) {
            for (int s = 24, i = at; s >= 0; s -= 8) {
                buf[i++] = (byte) (v >>> s);
            }
        }

        Writer s(String v) {
            final int n = v.length();
            if (n <= 0xffff) {
                // ASCII, by far the common case: written as it is, no array per string.
                room(2 + n);
                int p = pos + 2;
                int i = 0;
                for (; i < n; i++) {
                    final char c = v.charAt(i);
                    if (c >= 0x80) {
                        break;
                    }
                    buf[p++] = (byte) c;
                }
                if (i == n) {
                    buf[pos] = (byte) (n >>> 8);
                    buf[pos + 1] = (byte) n;
                    pos = p;
                    return this;
                }
            }
            final byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > 0xffff) {
                throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long for the wire");
            }
            room(2 + utf8.length);
            buf[pos++] = (byte) (utf8.length >>> 8);
            buf[pos++] = (byte) utf8.length;
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
            return this;
        }

        /** A nullable string: a presence byte first. */
        Writer ns(String v) {
            b(v == null ? 0 : 1);
            return v == null ? this : s(v);
        }

        Writer bytes(byte[] v) {
            i(v.length);
            room(v.length);
            System.arraycopy(v, 0, buf, pos, v.length);
            pos += v.length;
            return this;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads with a check of every length against what is left. */
    private static final class Reader {
        final ByteBuffer in;
        /** The node id and worker type read last: the many records of one host share them. */
        NodeId lastNode;
        private String lastType;
        private byte[] scratch = new byte[64];

        Reader(ByteBuffer in) {
            this.in = in;
        }

        private void need(int n) {
            if (n < 0 || in.remaining() < n) {
                throw new IllegalArgumentException("truncated registry message");
            }
        }

        byte b() {
            need(1);
            return in.get();
        }

        int i() {
            need(4);
            return in.getInt();
        }

        long l() {
            need(8);
            return in.getLong();
        }

        int count(int max) {
            final int n = i();
            if (n < 0 || n > max) {
                throw new IllegalArgumentException("count " + n + " out of range 0.." + max);
            }
            return n;
        }

        <E> E of(E[] values) {
            final int v = b();
            if (v < 0 || v >= values.length) {
                throw new IllegalArgumentException("unknown enumeration value " + v);
            }
            return values[v];
        }

        /** A nullable worker type: the equal one read before it, if any (read again without a string). */
        String sharedType() {
            if (b() == 0) {
                return null;
            }
            if (lastType != null && skipIfNext(lastType)) {
                return lastType;
            }
            return lastType = s();
        }

        /** True, and past it, when the next string is {@code ascii} (a string of ASCII characters). */
        boolean skipIfNext(String ascii) {
            final int n = ascii.length();
            final int at = in.position();
            if (in.remaining() < 2 + n || (in.getShort(at) & 0xffff) != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                final char c = ascii.charAt(i);
                if (c >= 0x80 || in.get(at + 2 + i) != (byte) c) {
                    return false;
                }
            }
            in.position(at + 2 + n);
            return true;
        }

        String s() {
            need(2);
            final int n = in.getShort() & 0xffff;
            need(n);
            // ASCII, by far the common case: a compact string, no decoder (payloads may be direct or read-only),
            // read through a scratch array the reader keeps.
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            final byte[] a = scratch;
            in.get(in.position(), a, 0, n);
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (a[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                in.position(in.position() + n);
                return new String(a, 0, n, StandardCharsets.ISO_8859_1);
            }
            final ByteBuffer slice = in.slice();
            slice.limit(n);
            in.position(in.position() + n);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("a string is not UTF-8", e);
            }
        }

        /** A registered name or group: checked as the API checks names. */
        String name() {
            final String s = s();
            Names.check(s);
            return s;
        }

        String ns() {
            return b() == 0 ? null : s();
        }

        String nname() {
            return b() == 0 ? null : name();
        }

        byte[] bytes(int max) {
            final int n = count(max);
            if (n == 0) {
                return Record.NO_ARGS;
            }
            need(n);
            final byte[] out = new byte[n];
            in.get(out);
            return out;
        }
    }

    /** The API's rule for names, applied to names from the wire too. */
    static final class Names {
        private Names() {
        }

        static void check(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a name must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                if (Character.isISOControl(name.charAt(i))) {
                    throw new IllegalArgumentException("a name must not contain control characters");
                }
            }
            if (name.length() * 3L > SwarmRegistry.MAX_NAME_BYTES
                && name.getBytes(StandardCharsets.UTF_8).length > SwarmRegistry.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("a name must be at most " + SwarmRegistry.MAX_NAME_BYTES + " bytes");
            }
        }
    }
}
