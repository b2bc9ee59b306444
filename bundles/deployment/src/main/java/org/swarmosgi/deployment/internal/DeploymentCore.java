package org.swarmosgi.deployment.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployment.NodeState;
import org.swarmosgi.api.deployment.Deployment.State;

/**
 * The deployment logic of one node, as a single-threaded state machine: inputs are local deploys and
 * undeploys, peers' messages, membership events, the outcomes of fetches and framework operations,
 * and ticks; outputs go to {@link Effects}. The clock is injected, so tests drive it deterministically.
 *
 * <p>The <b>catalog</b> holds, per symbolic name, the greatest {@link Entry} seen ({@link Entry#ORDER}):
 * merging is taking the maximum, so every node ends with the same catalog whatever the order of
 * messages. It spreads by pushing changes to every peer, by sending the whole catalog to a peer that
 * comes up (and it sends back what it has newer), and by a periodic digest that repairs lost messages.
 *
 * <p><b>Reconciling</b> one name brings the framework to the catalog: fetch the bytes from a peer that
 * has them (reported by its status), then install or update and start; or uninstall. One framework
 * operation per name at a time; a failure is reported (state FAILED with its error) and a failed
 * fetch is tried again after {@code retryDelayMs}, from the next peer that has the bytes.
 */
final class DeploymentCore {

    /** What the core asks of the world; each call returns at once, outcomes come back as inputs. */
    interface Effects {
        void send(NodeId to, Msg msg);

        /** Fetch {@code entry}'s bytes from {@code from}; answer with {@link #fetched}. */
        void fetch(Entry entry, NodeId from);

        /** Install, update or start {@code entry}'s bundle from the stored bytes; answer with {@link #installed}. */
        void install(Entry entry);

        /** Uninstall the bundle of {@code bsn}; answer with {@link #uninstalled}. */
        void uninstall(String bsn);

        /**
         * Stored bytes of no other hash are needed any more (the latest such set counts when the store
         * is cleaned); answer with {@link #dropped} naming what was deleted.
         */
        void retain(Set<String> sha256s);

        /** The catalog changed: keep it for the next start. */
        void catalogChanged(List<Entry> catalog);
    }

    /**
     * What a framework operation left.
     *
     * @param installed    the hash of the deployed bundle now in the framework ("" when unknown), null when none is
     * @param active       it is started
     * @param error        why the operation failed, or empty
     * @param bytesMissing the stored bytes were not there (then they are fetched again)
     */
    record Outcome(String installed, boolean active, String error, boolean bytesMissing) {
        Outcome {
            error = error == null ? "" : Wire.cut(error);
        }
    }

    private final String self;
    private final Effects effects;
    private final LongSupplier clock;
    private final long retryDelayMs;
    private final long gossipIntervalMs;
    private final int maxDeployments;
    private final long rollingWaitMs;

    private final TreeMap<String, Entry> catalog = new TreeMap<>();
    private final Set<String> stored = new HashSet<>();
    /** The hash each bundle we installed has in the framework. */
    private final Map<String, String> installed = new HashMap<>();
    /** Names whose last framework operation failed, and the hash it was for ("" for an uninstall). */
    private final Map<String, String> failed = new HashMap<>();
    /** Names with a framework operation under way. */
    private final Set<String> busy = new HashSet<>();
    /** Hashes being fetched, and from whom. */
    private final Map<String, NodeId> fetching = new HashMap<>();
    /** Hashes whose last fetch failed: when to try again. */
    private final Map<String, Long> retryAt = new HashMap<>();
    /** Why the last fetch of each hash failed, shown while it is tried again. */
    private final Map<String, String> fetchErrors = new HashMap<>();
    /** How often each hash was fetched, to rotate through the peers that have it. */
    private final Map<String, Integer> attempts = new HashMap<>();
    private final TreeMap<String, Report> reports = new TreeMap<>();
    private final TreeSet<NodeId> peers = new TreeSet<>();
    private final Map<NodeId, Map<String, Report>> peerReports = new HashMap<>();
    private boolean reportsChanged;
    private long nextGossip;
    /**
     * Names whose update waits for its turn in a rolling upgrade, and since when: nodes update one at a
     * time, in the order of their names, so a worker type is always offered by the other nodes and its
     * workers move there with their state instead of stopping.
     */
    private final Map<String, Waiting> waitingSince = new HashMap<>();

    /**
     * An update waiting for its turn: for {@code behind} since {@code since}; nodes it gave up on (silent or
     * stuck past the wait) are {@code skipped}, and it waits afresh for the next one before it.
     */
    private record Waiting(String sha256, String behind, long since, Set<String> skipped) {
    }

    /**
     * @param rollingWaitMs how long an update waits at most for the nodes before this one (by name) to finish
     *                      theirs; 0: every node updates at once
     */
    DeploymentCore(String self, Effects effects, LongSupplier clock, long retryDelayMs, long gossipIntervalMs,
                   int maxDeployments, long rollingWaitMs) {
        this.self = self;
        this.effects = effects;
        this.clock = clock;
        this.retryDelayMs = retryDelayMs;
        this.gossipIntervalMs = gossipIntervalMs;
        this.maxDeployments = maxDeployments;
        this.rollingWaitMs = rollingWaitMs;
        this.nextGossip = clock.getAsLong() + gossipIntervalMs;
    }

    // ================================================================ inputs

    /** At start: the kept catalog, the stored hashes, and what the framework holds of ours. */
    void restore(Collection<Entry> entries, Set<String> storedHashes, Map<String, String> installedHashes) {
        for (Entry e : entries) {
            catalog.merge(e.bsn(), e, (a, b) -> b.supersedes(a) ? b : a);
        }
        stored.addAll(storedHashes);
        installed.putAll(installedHashes);
        reconcileAll();
        cleanup();
        flush();
    }

    /**
     * This node deploys bytes it has stored. Deploying the bytes deployed already changes nothing.
     *
     * @return the entry now in the catalog
     */
    Entry deploy(String bsn, String version, String sha256, long size) {
        stored.add(sha256);
        final Entry current = catalog.get(bsn);
        if (current != null && current.deployed() && current.sha256().equals(sha256)) {
            failed.remove(bsn); // asked again: try again
            reconcile(bsn);
            flush();
            return current;
        }
        if (current == null && catalog.size() >= maxDeployments) {
            throw new IllegalArgumentException("the catalog holds " + maxDeployments
                    + " bundles (max.deployments); undeployed ones count too");
        }
        final Entry next = new Entry(bsn, current == null ? 1 : current.generation() + 1, true, version, sha256,
                size, self);
        adopt(next);
        broadcast(new Msg.Catalog(false, List.of(next)));
        flush();
        return next;
    }

    /** This node undeploys a name everywhere. */
    Entry undeploy(String bsn) {
        final Entry current = catalog.get(bsn);
        if (current == null || !current.deployed()) {
            throw new IllegalArgumentException(bsn + " is not deployed");
        }
        final Entry next = current.undeployed(self);
        adopt(next);
        broadcast(new Msg.Catalog(false, List.of(next)));
        flush();
        return next;
    }

    void nodeUp(NodeId peer) {
        if (peer.name().equals(self) || !peers.add(peer)) {
            return;
        }
        effects.send(peer, new Msg.Catalog(true, List.copyOf(catalog.values())));
        effects.send(peer, new Msg.Status(List.copyOf(reports.values())));
    }

    void nodeDown(NodeId peer) {
        peers.remove(peer);
        peerReports.remove(peer);
        reconcileRolling(); // it may have been the node an update waited for
        flush();
    }

    /** A message from an authenticated peer. */
    void onMessage(NodeId from, Msg msg) {
        if (!peers.contains(from)) {
            return; // not up (yet, or any more): it will be told everything when it comes up
        }
        if (msg instanceof Msg.Catalog c) {
            onCatalog(from, c);
        } else if (msg instanceof Msg.Digest d) {
            if (!Arrays.equals(d.sha256(), digest())) {
                effects.send(from, new Msg.Catalog(true, List.copyOf(catalog.values())));
            }
        } else if (msg instanceof Msg.Status s) {
            final Map<String, Report> byName = new HashMap<>();
            for (Report r : s.reports()) {
                byName.put(r.bsn(), r);
            }
            peerReports.put(from, byName);
            reconcileWaiting(); // a peer may have the bytes we wait for
            reconcileRolling(); // or have finished its turn
        }
        flush();
    }

    /** Takes what is newer; answers with what the sender has older, or lacks when it sent its whole catalog. */
    private void onCatalog(NodeId from, Msg.Catalog c) {
        final List<Entry> newer = new ArrayList<>();
        final Set<String> named = new HashSet<>();
        for (Entry e : c.entries()) {
            named.add(e.bsn());
            final Entry mine = catalog.get(e.bsn());
            if (e.supersedes(mine)) {
                if (mine == null && catalog.size() >= maxDeployments) {
                    continue; // full: refused, as a local deploy would be
                }
                adopt(e);
            } else if (mine.supersedes(e)) {
                newer.add(mine);
            }
        }
        if (c.whole()) {
            for (Entry mine : catalog.values()) {
                if (!named.contains(mine.bsn())) {
                    newer.add(mine);
                }
            }
        }
        if (!newer.isEmpty()) {
            effects.send(from, new Msg.Catalog(false, newer));
        }
    }

    void fetched(String sha256, String error) {
        fetching.remove(sha256);
        if (error == null) {
            if (needed(sha256)) { // else the store drops it (or did already)
                stored.add(sha256);
            }
            retryAt.remove(sha256);
            attempts.remove(sha256);
            fetchErrors.remove(sha256);
        } else {
            retryAt.put(sha256, clock.getAsLong() + retryDelayMs);
            fetchErrors.put(sha256, error);
            for (Entry e : catalog.values()) {
                if (e.deployed() && e.sha256().equals(sha256)) {
                    report(Report.of(e, State.FAILED, false, error));
                }
            }
        }
        for (Entry e : List.copyOf(catalog.values())) {
            if (e.sha256().equals(sha256)) {
                reconcile(e.bsn());
            }
        }
        flush();
    }

    /** The store deleted these hashes' bytes (cleaning up after the catalog moved on). */
    void dropped(Set<String> sha256s) {
        stored.removeAll(sha256s);
        for (Entry e : List.copyOf(catalog.values())) {
            if (e.deployed() && sha256s.contains(e.sha256())) {
                reconcile(e.bsn()); // needed after all: fetched again
            }
        }
        flush();
    }

    /** The outcome of {@link Effects#install} of {@code sha256} for {@code bsn}. */
    void installed(String bsn, String sha256, Outcome outcome) {
        busy.remove(bsn);
        record(bsn, outcome);
        final Entry e = catalog.get(bsn);
        if (outcome.bytesMissing()) {
            stored.remove(sha256);
        } else if (!outcome.active() && e != null && e.deployed() && e.sha256().equals(sha256)) {
            failed.put(bsn, sha256); // not again until something changes: no install loop
        }
        if (e != null && e.sha256().equals(sha256)) {
            report(Report.of(e, outcome.active() ? State.ACTIVE : State.FAILED, stored.contains(sha256),
                    outcome.active() ? "" : outcome.error()));
        }
        reconcile(bsn);
        if (outcome.active()) {
            retryFailedStarts(bsn); // a bundle that needed this one may resolve now
        }
        flush();
    }

    void uninstalled(String bsn, Outcome outcome) {
        busy.remove(bsn);
        record(bsn, outcome);
        final Entry e = catalog.get(bsn);
        if (outcome.installed() != null) {
            failed.put(bsn, "");
            if (e != null && !e.deployed()) {
                report(Report.of(e, State.FAILED, false, outcome.error()));
            }
        }
        reconcile(bsn);
        flush();
    }

    private void record(String bsn, Outcome outcome) {
        if (outcome.installed() == null) {
            installed.remove(bsn);
        } else {
            installed.put(bsn, outcome.installed());
        }
    }

    void tick() {
        final long now = clock.getAsLong();
        if (!retryAt.isEmpty()) {
            final List<String> due = new ArrayList<>();
            retryAt.forEach((sha, at) -> {
                if (at <= now) {
                    due.add(sha);
                }
            });
            for (String sha : due) {
                retryAt.remove(sha);
                for (Entry e : List.copyOf(catalog.values())) {
                    if (e.sha256().equals(sha)) {
                        reconcile(e.bsn());
                    }
                }
            }
        }
        reconcileRolling(); // a wait may have run out
        if (now >= nextGossip) {
            nextGossip = now + gossipIntervalMs;
            final Msg digest = new Msg.Digest(digest());
            final Msg status = new Msg.Status(List.copyOf(reports.values()));
            for (NodeId p : peers) {
                effects.send(p, digest);
                effects.send(p, status);
            }
        }
        flush();
    }

    // ================================================================ views

    List<Entry> catalog() {
        return List.copyOf(catalog.values());
    }

    Entry entry(String bsn) {
        return catalog.get(bsn);
    }

    Report report(String bsn) {
        return reports.get(bsn);
    }

    Set<String> peers() {
        final Set<String> names = new TreeSet<>();
        peers.forEach(p -> names.add(p.name()));
        return names;
    }

    /** The SHA-256 of the catalog's encoding: equal catalogs, equal digests. */
    byte[] digest() {
        final List<Entry> canonical = new ArrayList<>();
        for (Entry e : catalog.values()) {
            canonical.add(new Entry(e.bsn(), e.generation(), e.deployed(), e.version(), e.sha256(), e.size(), ""));
        }
        return Hashes.sha256().digest(Wire.catalog(canonical));
    }

    /** Every deployment with this node's and live peers' reports, for the API. */
    List<Deployment> view() {
        final List<Deployment> out = new ArrayList<>(catalog.size());
        for (Entry e : catalog.values()) {
            final List<NodeState> nodes = new ArrayList<>();
            final Report mine = reports.get(e.bsn());
            if (mine != null) {
                nodes.add(state(self, mine));
            }
            for (NodeId p : peers) {
                final Map<String, Report> theirs = peerReports.get(p);
                final Report r = theirs == null ? null : theirs.get(e.bsn());
                if (r != null) {
                    nodes.add(state(p.name(), r));
                }
            }
            nodes.sort(java.util.Comparator.comparing(NodeState::node));
            out.add(new Deployment(e.bsn(), e.version(), e.sha256(), e.size(), e.generation(), e.deployed(),
                    e.origin(), nodes));
        }
        return out;
    }

    private static NodeState state(String node, Report r) {
        return new NodeState(node, r.generation(), r.version(), r.sha256(), r.state(), r.error());
    }

    // ================================================================ reconciling

    private void adopt(Entry e) {
        catalog.put(e.bsn(), e);
        failed.remove(e.bsn());
        reconcile(e.bsn());
        cleanup();
        effects.catalogChanged(List.copyOf(catalog.values()));
    }

    /** Bytes no entry needs any more go, and what waited on them is forgotten. */
    private void cleanup() {
        final Set<String> needed = new HashSet<>();
        for (Entry x : catalog.values()) {
            if (x.deployed()) {
                needed.add(x.sha256());
            }
        }
        stored.retainAll(needed);
        fetchErrors.keySet().retainAll(needed);
        retryAt.keySet().retainAll(needed);
        attempts.keySet().retainAll(needed);
        effects.retain(Set.copyOf(needed));
    }

    private boolean needed(String sha256) {
        for (Entry e : catalog.values()) {
            if (e.deployed() && e.sha256().equals(sha256)) {
                return true;
            }
        }
        return false;
    }

    private void reconcileAll() {
        for (String bsn : List.copyOf(catalog.keySet())) {
            reconcile(bsn);
        }
    }

    /** Names that wait for a peer with their bytes. */
    private void reconcileWaiting() {
        for (Entry e : List.copyOf(catalog.values())) {
            if (e.deployed() && !stored.contains(e.sha256()) && !fetching.containsKey(e.sha256())) {
                reconcile(e.bsn());
            }
        }
    }

    private void reconcileRolling() {
        for (String bsn : List.copyOf(waitingSince.keySet())) {
            reconcile(bsn);
        }
    }

    /**
     * Whether this node may update {@code e}'s bundle now: every live node before it (by name) that runs the
     * bundle has finished its update to {@code e} (started it or failed). A node ahead that has not for
     * {@code rollingWaitMs} is given up on (logged in the report): the wait starts afresh for the next one, so
     * the nodes after a stuck one still go one at a time.
     */
    private boolean mayUpdate(Entry e, Waiting waiting) {
        final long now = clock.getAsLong();
        final Set<String> skipped = waiting != null && waiting.sha256().equals(e.sha256())
                ? new HashSet<>(waiting.skipped()) : new HashSet<>();
        long since = waiting != null && waiting.sha256().equals(e.sha256()) ? waiting.since() : now;
        String behind = firstBehind(e, skipped);
        if (behind != null && waiting != null && !behind.equals(waiting.behind())) {
            since = now; // another node ahead: a fresh wait
        }
        while (behind != null && now - since >= rollingWaitMs) {
            skipped.add(behind);
            behind = firstBehind(e, skipped);
            since = now;
        }
        if (behind == null) {
            return true;
        }
        waitingSince.put(e.bsn(), new Waiting(e.sha256(), behind, since, Set.copyOf(skipped)));
        report(Report.of(e, State.WAITING, true, "rolling upgrade: waits for " + behind + " to update first"
                + (skipped.isEmpty() ? "" : " (gave up on " + String.join(", ", new TreeSet<>(skipped)) + ")")));
        return false;
    }

    /**
     * The first live node before this one, not {@code skipped}, that runs {@code e}'s bundle and has not
     * updated to it, or null.
     */
    private String firstBehind(Entry e, Set<String> skipped) {
        if (rollingWaitMs == 0) {
            return null;
        }
        for (NodeId p : peers) {
            if (p.name().compareTo(self) >= 0 || skipped.contains(p.name())) {
                continue;
            }
            final Map<String, Report> theirs = peerReports.get(p);
            final Report r = theirs == null ? null : theirs.get(e.bsn());
            if (r == null || r.state() == State.REMOVED) {
                continue; // it does not run the bundle: nothing of the type moves off it
            }
            final boolean done = r.sha256().equals(e.sha256()) && (r.state() == State.ACTIVE || r.state() == State.FAILED);
            if (!done) {
                return p.name();
            }
        }
        return null;
    }

    private void retryFailedStarts(String except) {
        for (Entry e : List.copyOf(catalog.values())) {
            final Report r = reports.get(e.bsn());
            if (!e.bsn().equals(except) && e.deployed() && r != null && r.state() == State.FAILED
                    && e.sha256().equals(installed.get(e.bsn())) && !busy.contains(e.bsn())) {
                failed.remove(e.bsn());
                busy.add(e.bsn());
                report(Report.of(e, State.INSTALLING, true, ""));
                effects.install(e);
            }
        }
    }

    private void reconcile(String bsn) {
        if (busy.contains(bsn)) {
            return; // reconciled again when the operation under way ends
        }
        final Entry e = catalog.get(bsn);
        final Waiting waiting = waitingSince.remove(bsn); // kept only while it still waits for the same update
        if (e == null) {
            return;
        }
        final String have = installed.get(bsn);
        if (!e.deployed()) {
            if (have == null) {
                report(Report.of(e, State.REMOVED, false, ""));
            } else if (!"".equals(failed.get(bsn))) { // else its uninstall failed: it stays reported FAILED
                busy.add(bsn);
                report(Report.of(e, State.INSTALLING, false, ""));
                effects.uninstall(bsn);
            }
            return;
        }
        final boolean hasBytes = stored.contains(e.sha256());
        final Report last = reports.get(bsn);
        if (e.sha256().equals(have) && last != null && last.sha256().equals(e.sha256())
                && (last.state() == State.ACTIVE || last.state() == State.FAILED)) {
            // installed already: the same bytes deployed again, or their copy in the store changed
            report(Report.of(e, last.state(), hasBytes, last.error()));
            if (!hasBytes) {
                fetch(e); // peers and the next start need them
            }
            return;
        }
        if (e.sha256().equals(failed.get(bsn))) {
            return; // failed, reported: tried again when the catalog changes or another bundle starts
        }
        if (hasBytes) {
            if (have != null && !mayUpdate(e, waiting)) {
                return; // reconciled again when a peer reports, goes down, or the wait runs out
            }
            busy.add(bsn);
            report(Report.of(e, State.INSTALLING, true, ""));
            effects.install(e);
            return;
        }
        if (fetch(e) || !fetching.containsKey(e.sha256()) && !retryAt.containsKey(e.sha256())) {
            report(Report.of(e, State.FETCHING, false, fetchErrors.getOrDefault(e.sha256(), "")));
        }
    }

    /**
     * Starts fetching {@code e}'s bytes unless that is under way or waits for its retry.
     *
     * @return true when a fetch started
     */
    private boolean fetch(Entry e) {
        if (fetching.containsKey(e.sha256()) || retryAt.containsKey(e.sha256())) {
            return false;
        }
        final NodeId from = holder(e);
        if (from == null) {
            return false; // until a peer reports the bytes
        }
        fetching.put(e.sha256(), from);
        effects.fetch(e, from);
        return true;
    }

    /** A live peer that has the bytes, rotating through them on each attempt; the origin when none said so yet. */
    private NodeId holder(Entry e) {
        final List<NodeId> holders = new ArrayList<>();
        NodeId origin = null;
        for (NodeId p : peers) {
            final Map<String, Report> theirs = peerReports.get(p);
            final Report r = theirs == null ? null : theirs.get(e.bsn());
            if (r != null && r.hasBytes() && r.sha256().equals(e.sha256())) {
                holders.add(p);
            }
            if (p.name().equals(e.origin())) {
                origin = p;
            }
        }
        if (holders.isEmpty()) {
            return origin;
        }
        final int n = attempts.merge(e.sha256(), 1, Integer::sum) - 1;
        return holders.get(n % holders.size());
    }

    // ================================================================ outputs

    private void report(Report r) {
        if (!r.equals(reports.put(r.bsn(), r))) {
            reportsChanged = true;
        }
    }

    private void broadcast(Msg msg) {
        for (NodeId p : peers) {
            effects.send(p, msg);
        }
    }

    /** After each input: peers learn this node's reports when they changed. */
    private void flush() {
        if (reportsChanged) {
            reportsChanged = false;
            broadcast(new Msg.Status(List.copyOf(reports.values())));
        }
    }
}
