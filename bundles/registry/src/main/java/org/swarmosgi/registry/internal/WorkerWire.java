package org.swarmosgi.registry.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.swarmosgi.api.MailboxFullException;
import org.swarmosgi.api.NoSuchWorkerException;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerFailedException;

/**
 * The data plane on the wire: a message to one worker instance and its answer. Request:
 * {@code kind u8 | incarnation i64 | worker id i64 | payload}. Answer: {@code status u8 | bytes} (the
 * reply, or the error text).
 */
final class WorkerWire {
    static final byte CAST = 0;
    static final byte CALL = 1;
    static final int HEADER = 17;

    static final byte OK = 0;
    static final byte NO_SUCH_WORKER = 1;
    static final byte MAILBOX_FULL = 2;
    static final byte FAILED = 3;

    private static final int MAX_ERROR_BYTES = 4096;

    private WorkerWire() {
    }

    static ByteBuffer request(byte kind, long incarnation, long workerId, byte[] payload) {
        final ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.put(kind).putLong(incarnation).putLong(workerId).put(payload).flip();
        return b;
    }

    static ByteBuffer answer(byte status, byte[] bytes) {
        final ByteBuffer b = ByteBuffer.allocate(1 + bytes.length);
        b.put(status).put(bytes).flip();
        return b;
    }

    static ByteBuffer error(RuntimeException e) {
        final byte status = e instanceof NoSuchWorkerException ? NO_SUCH_WORKER
            : e instanceof MailboxFullException ? MAILBOX_FULL : FAILED;
        byte[] text = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_ERROR_BYTES) {
            text = java.util.Arrays.copyOf(text, MAX_ERROR_BYTES);
        }
        return answer(status, text);
    }

    /** The reply bytes of an answer, or the error it carries. */
    static byte[] replyOf(ByteBuffer answer) {
        if (!answer.hasRemaining()) {
            throw new WorkerFailedException("an empty answer from the worker's node");
        }
        final byte status = answer.get();
        final byte[] bytes = new byte[answer.remaining()];
        answer.get(bytes);
        if (status == OK) {
            return bytes;
        }
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final SwarmException e = switch (status) {
            case NO_SUCH_WORKER -> new NoSuchWorkerException(text);
            case MAILBOX_FULL -> new MailboxFullException(text);
            default -> new WorkerFailedException(text);
        };
        throw e;
    }
}
