package org.swarmosgi.registry.internal;

import java.util.List;
import java.util.Set;

import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.WorkerRef;

/**
 * The registry's protocol between nodes. Every message is answered idempotently: a resent or late
 * one changes nothing it should not, so loss is repaired by resending and by anti-entropy.
 */
sealed interface Msg {

    // ---------------------------------------------------------------- replication

    /** Consecutive operations of the sender's own records, in sequence order (a batch). */
    record Ops(List<Op> ops) implements Msg {
        public Ops {
            ops = List.copyOf(ops);
        }
    }

    /** Periodic: the sender's own records are at {@code seq}; a peer behind it asks for a sync. */
    record SeqAnnounce(long seq) implements Msg {
    }

    /** Asks the receiver for its own records: the sender's bucket digests of them are given. */
    record SyncRequest(long nonce, long[] digests) implements Msg {
    }

    /**
     * Part of the answer to a {@link SyncRequest}: the full contents of some buckets that differed,
     * all as of {@code seq}. The last part also carries the host's worker types and roles (null in the others).
     */
    record SyncReply(long nonce, long seq, int part, int[] buckets, List<Record> records, boolean last,
                     Set<String> types, Set<String> roles) implements Msg {
    }

    // ---------------------------------------------------------------- registration, through the name's owner

    /** Caller to owner: register {@code name} (or return the holder, with {@code orExisting}). */
    record RegisterReq(long corr, String name, String type, byte[] args, boolean orExisting) implements Msg {
    }

    /** Caller to owner: may the caller host {@code name} itself (registerLocal)? */
    record ClaimReq(long corr, String name) implements Msg {
    }

    /**
     * Caller to owner: the claim granted to its {@link ClaimReq} {@code corr} is given up (hosting failed, or the
     * request timed out, granted or not); the name is free again, and a copy of that request arriving later is not
     * granted. Asked again until the owner answers (a {@link Reply} of {@code corr}, OK): a lost abort held the name
     * for the claim timeout. Only the claim of that request goes, never a later one of the same caller.
     */
    record ClaimAbort(long corr, String name) implements Msg {
    }

    /**
     * Owner (or, for a move, the current host) to the node that will run the worker: start it, record it,
     * answer. {@code gen} is the record's placement generation, {@code groups} the memberships it keeps
     * (a restart or a move), {@code state} what its {@code endHandoff} gets (resume, checkpoint), or null.
     */
    record StartReq(long claimId, String name, String type, byte[] args, long gen, String[] groups,
                    org.swarmosgi.api.StartReason reason, byte[] state) implements Msg {
        public StartReq {
            groups = groups == null || groups.length == 0 ? Record.NO_GROUPS : groups;
        }

        /** A first start (a registration). */
        StartReq(long claimId, String name, String type, byte[] args) {
            this(claimId, name, type, args, 0, null, org.swarmosgi.api.StartReason.FIRST_START, null);
        }
    }

    /** Answer to {@link StartReq}: the record written, or why not. */
    record StartReply(long claimId, String name, Record record, Status status, String error) implements Msg {
    }

    /** Owner (or host) to caller. */
    record Reply(long corr, Status status, Record record, Op op, String error) implements Msg {
    }

    /** Caller to owner: which record holds {@code name}? */
    record LookupReq(long corr, String name) implements Msg {
    }

    /** Caller to owner, forwarded by the owner to the name's host: unregister, join or leave. */
    record NameReq(long corr, NameAction action, String name, String group) implements Msg {
    }

    /** Owner to host: a {@link NameReq} of {@code origin}'s, to answer directly. */
    record NameFwd(org.swarmosgi.api.NodeId origin, long corr, NameAction action, String name, String group)
        implements Msg {
    }

    /**
     * Host to owner: a forwarded {@link NameReq} is done; the owner applies the change before it
     * answers the origin, so the origin's next registration of the name finds it free.
     */
    record NameDone(org.swarmosgi.api.NodeId origin, long corr, Status status, Record record, Op op) implements Msg {
    }

    // ---------------------------------------------------------------- monitors and conflicts

    /** Watch one worker: answered by {@link MonitorFired} when it ends (at once if it is not running). */
    record MonitorReq(long id, WorkerRef ref) implements Msg {
    }

    record MonitorFired(long id, StopReason reason) implements Msg {
    }

    /** Owner to a loser's host after a partition healed: hand the state to the winner and stop. */
    record ConflictLose(String name, WorkerRef loser, WorkerRef winner) implements Msg {
    }

    /** Loser's host to winner's host: the loser's checkpoint. */
    record ConflictState(String name, WorkerRef winner, byte[] state) implements Msg {
    }

    /** Host to a worker's successor (who would host it next): its latest checkpoint. */
    record Checkpoint(String name, WorkerRef ref, long gen, byte[] state) implements Msg {
    }

    /** What a request came to. */
    enum Status {
        OK, EXISTS, RETRY, GRANTED, NOT_REGISTERED, UNKNOWN_TYPE, FAILED, QUORUM_LOST,
        /**
         * A start asked again whose instance started here and has ended since (crashed or stopped itself); a
         * registration asked again whose worker started for it and has ended since (unregistered, stopped).
         */
        ENDED
    }

    /** HANDOFF: move the worker to its placement now (the host answers once it runs there). */
    enum NameAction {
        UNREGISTER, JOIN, LEAVE, HANDOFF
    }
}
