package org.swarmosgi.deployment.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.swarmosgi.api.deployment.Deployment.State;

/**
 * The deployment protocol's bytes: a version byte, a kind byte, then the fields, big-endian; strings
 * as an unsigned 16-bit length and UTF-8. Decoding trusts nothing: every count and length is checked
 * against its bound and against the bytes present before anything is allocated for it, and anything
 * malformed throws {@link IllegalArgumentException} naming what is wrong. Never Java serialization.
 */
final class Wire {
    static final byte VERSION = 1;
    static final byte CATALOG = 1;
    static final byte DIGEST = 2;
    static final byte STATUS = 3;
    /** Longest string (symbolic name, version, node name, error) in UTF-8 bytes. */
    static final int MAX_STRING = 1024;
    /** Bytes of a fetch request: hash, offset, length. */
    static final int FETCH_REQUEST = Hashes.BYTES + Long.BYTES + Integer.BYTES;

    private static final State[] STATES = State.values();

    private Wire() {
    }

    // ---------------------------------------------------------------- messages

    static byte[] encode(Msg msg) {
        final Out out = new Out();
        out.b(VERSION);
        if (msg instanceof Msg.Catalog c) {
            out.b(CATALOG).b((byte) (c.whole() ? 1 : 0)).i(c.entries().size());
            for (Entry e : c.entries()) {
                entry(out, e);
            }
        } else if (msg instanceof Msg.Digest d) {
            out.b(DIGEST).raw(d.sha256());
        } else {
            final Msg.Status s = (Msg.Status) msg;
            out.b(STATUS).i(s.reports().size());
            for (Report r : s.reports()) {
                out.s(r.bsn()).l(r.generation()).s(r.version()).raw(Hashes.bytes(r.sha256()))
                        .b((byte) r.state().ordinal()).b((byte) (r.hasBytes() ? 1 : 0)).s(cut(r.error()));
            }
        }
        return out.bytes();
    }

    /**
     * @param maxEntries the most entries or reports accepted in one message
     * @param maxSize    the largest bundle size accepted
     */
    static Msg decode(ByteBuffer in, int maxEntries, long maxSize) {
        try {
            final byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown protocol version " + version);
            }
            final byte kind = in.get();
            final Msg msg = switch (kind) {
                case CATALOG -> {
                    final boolean whole = bool(in);
                    final int n = count(in, maxEntries);
                    final List<Entry> entries = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        entries.add(entry(in, maxSize));
                    }
                    yield new Msg.Catalog(whole, entries);
                }
                case DIGEST -> new Msg.Digest(raw(in, Hashes.BYTES));
                case STATUS -> {
                    final int n = count(in, maxEntries);
                    final List<Report> reports = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        final String bsn = s(in);
                        final long generation = in.getLong();
                        final String version1 = s(in);
                        final String sha = Hashes.hex(raw(in, Hashes.BYTES));
                        final int state = in.get();
                        if (state < 0 || state >= STATES.length) {
                            throw new IllegalArgumentException("unknown state " + state);
                        }
                        final boolean hasBytes = bool(in);
                        reports.add(new Report(bsn, generation, version1, sha, STATES[state], hasBytes, s(in)));
                    }
                    yield new Msg.Status(reports);
                }
                default -> throw new IllegalArgumentException("unknown message kind " + kind);
            };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the message");
            }
            return msg;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("message is truncated", e);
        }
    }

    /** The whole catalog, as a message and in the catalog file. */
    static byte[] catalog(List<Entry> entries) {
        return encode(new Msg.Catalog(true, entries));
    }

    // ---------------------------------------------------------------- fetch requests

    static ByteBuffer fetchRequest(String sha256, long offset, int length) {
        return ByteBuffer.allocate(FETCH_REQUEST).put(Hashes.bytes(sha256)).putLong(offset).putInt(length).flip();
    }

    record FetchRequest(String sha256, long offset, int length) {
    }

    static FetchRequest fetchRequest(ByteBuffer in) {
        if (in.remaining() != FETCH_REQUEST) {
            throw new IllegalArgumentException("a fetch request is " + FETCH_REQUEST + " bytes, was " + in.remaining());
        }
        final String sha = Hashes.hex(raw(in, Hashes.BYTES));
        final long offset = in.getLong();
        final int length = in.getInt();
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
        return new FetchRequest(sha, offset, length);
    }

    // ---------------------------------------------------------------- fields

    private static void entry(Out out, Entry e) {
        out.s(e.bsn()).l(e.generation()).b((byte) (e.deployed() ? 1 : 0)).s(e.version())
                .raw(Hashes.bytes(e.sha256())).l(e.size()).s(e.origin());
    }

    private static Entry entry(ByteBuffer in, long maxSize) {
        final String bsn = s(in);
        final long generation = in.getLong();
        final boolean deployed = bool(in);
        final String version = s(in);
        final String sha = Hashes.hex(raw(in, Hashes.BYTES));
        final long size = in.getLong();
        if (size > maxSize) {
            throw new IllegalArgumentException(bsn + ": size " + size + " is above the limit " + maxSize);
        }
        return new Entry(bsn, generation, deployed, version, sha, size, s(in));
    }

    private static int count(ByteBuffer in, int max) {
        final int n = in.getInt();
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("count " + n + " is outside 0.." + max);
        }
        return n;
    }

    private static boolean bool(ByteBuffer in) {
        final byte b = in.get();
        if (b != 0 && b != 1) {
            throw new IllegalArgumentException("a flag is 0 or 1, was " + b);
        }
        return b == 1;
    }

    private static byte[] raw(ByteBuffer in, int n) {
        if (in.remaining() < n) {
            throw new BufferUnderflowException();
        }
        final byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static String s(ByteBuffer in) {
        final int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_STRING) {
            throw new IllegalArgumentException("a string of " + n + " bytes is above " + MAX_STRING);
        }
        if (in.remaining() < n) {
            throw new BufferUnderflowException();
        }
        final ByteBuffer slice = in.slice(in.position(), n);
        in.position(in.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string is not UTF-8", e);
        }
    }

    /** An error text cut to fit {@value #MAX_STRING} UTF-8 bytes, ending in "..." when cut. */
    static String cut(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= MAX_STRING) {
            return text;
        }
        int end = Math.min(text.length(), MAX_STRING - 3);
        while (text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_STRING - 3) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never half a character
        }
        return text.substring(0, end) + "...";
    }

    /** A growing big-endian buffer for encoding. */
    private static final class Out {
        private ByteBuffer buf = ByteBuffer.allocate(256);

        private Out ensure(int n) {
            if (buf.remaining() < n) {
                final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return this;
        }

        Out b(byte v) {
            ensure(1).buf.put(v);
            return this;
        }

        Out i(int v) {
            ensure(4).buf.putInt(v);
            return this;
        }

        Out l(long v) {
            ensure(8).buf.putLong(v);
            return this;
        }

        Out raw(byte[] v) {
            ensure(v.length).buf.put(v);
            return this;
        }

        Out s(String v) {
            final byte[] b = v.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_STRING) {
                throw new IllegalArgumentException("a string of " + b.length + " bytes is above " + MAX_STRING);
            }
            ensure(2 + b.length).buf.putShort((short) b.length).put(b);
            return this;
        }

        byte[] bytes() {
            final byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }
}
