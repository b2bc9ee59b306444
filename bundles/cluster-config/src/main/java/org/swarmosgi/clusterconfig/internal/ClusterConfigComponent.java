package org.swarmosgi.clusterconfig.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.InboundMessage;
import org.swarmosgi.api.transport.Topics;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.api.transport.TransportException;

/**
 * Cluster-wide configuration on a node: {@link ConfigCore} on its own thread, fed by ConfigAdmin's
 * events (this is a {@link ConfigurationListener}), membership, the transport and {@code swarm:config};
 * its writes go to ConfigAdmin on that same thread, so the core always knows what it last wrote.
 *
 * <p>Threads: {@code swarm-clusterconfig-<node>} (the state machine, ConfigAdmin reads and writes, the
 * state file, the 250 ms tick) and {@code -net} (sends), so a slow peer never delays a write.
 */
@Component(service = {ConfigurationListener.class, ClusterConfigComponent.class}, immediate = true,
    configurationPid = ClusterConfigComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ClusterConfigConfig.class)
public final class ClusterConfigComponent implements ConfigurationListener {
    public static final String PID = "org.swarmosgi.clusterconfig";
    /** Catalog and digest messages. */
    static final int TOPIC = Topics.CLUSTER_CONFIG_BASE;

    private static final System.Logger LOG = System.getLogger(ClusterConfigComponent.class.getName());
    private static final long TICK_MS = 250;
    private static final long WAIT_S = 10;

    private final NodeId self;
    private final Settings settings;
    private final Json.Limits limits;
    private final Transport transport;
    private final ConfigurationAdmin admin;
    private final ConfigCore core;
    private final Path stateFile;
    private final ScheduledExecutorService loop;
    private final ExecutorService net;
    private final Map<NodeId, Member> members = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();

    @Activate
    public ClusterConfigComponent(@Reference LocalNode node, @Reference Transport transport,
                                  @Reference Membership membership, @Reference ConfigurationAdmin admin,
                                  ClusterConfigConfig config) {
        this.self = node.id();
        try {
            this.settings = Settings.of(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
        this.limits = new Json.Limits(settings.maxPids(), settings.maxEntryBytes());
        this.transport = transport;
        this.admin = admin;
        this.stateFile = (settings.stateDir().isEmpty() ? node.workDirectory().resolve("cluster-config")
                : Path.of(settings.stateDir())).resolve("state.json");
        final String name = "swarm-clusterconfig-" + self.name();
        this.loop = new ScheduledThreadPoolExecutor(1, named(name), new ThreadPoolExecutor.DiscardPolicy());
        final ThreadPoolExecutor sends = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named(name + "-net"), new ThreadPoolExecutor.DiscardPolicy());
        sends.allowCoreThreadTimeOut(true);
        this.net = sends;
        this.core = new ConfigCore(self.name(), new NodeEffects(), System::currentTimeMillis, settings.policy(),
                settings.gossipIntervalMs(), settings.maxPids());
        for (String pid : Policy.NEVER_SHARED) {
            if (settings.policy().allowPids().stream().anyMatch(g -> g.equals(pid))) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1} is on allow.pids but is never shared", self, pid);
            }
        }
        loop.execute(guarded("start", this::start));
        subscriptions.add(transport.handle(TOPIC, loop, this::onMessage));
        subscriptions.add(membership.subscribe(new Listener()));
        loop.scheduleWithFixedDelay(guarded("tick", core::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "{0}: cluster configuration running, sharing {1}, never sending keys {2}",
                self, settings.policy().allowPids(), settings.policy().denyKeys());
    }

    /** Loop thread: the kept state, then what ConfigAdmin holds now. */
    private void start() {
        Json.State kept = null;
        if (Files.isRegularFile(stateFile)) {
            try {
                kept = Json.readState(Files.readAllBytes(stateFile), limits);
            } catch (IOException | IllegalArgumentException e) {
                final Path aside = stateFile.resolveSibling("state.json.bad");
                LOG.log(System.Logger.Level.ERROR, "{0}: cannot read {1} ({2}); kept as {3}, starting without it",
                        self, stateFile, e.getMessage(), aside);
                try {
                    Files.move(stateFile, aside, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moved) {
                    LOG.log(System.Logger.Level.ERROR, "{0}: cannot move {1}: {2}", self, stateFile, moved);
                }
            }
        }
        final Map<String, SortedMap<String, Value>> current = new TreeMap<>();
        try {
            final Configuration[] all = admin.listConfigurations(null);
            for (Configuration c : all == null ? new Configuration[0] : all) {
                final String pid = c.getPid();
                if (shareable(pid, c.getFactoryPid())) {
                    final ConfigCore.Written w = read(pid);
                    if (w != null && w.props() != null) {
                        current.put(pid, w.props());
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(System.Logger.Level.ERROR, "{0}: cannot list configurations: {1}", self, e.toString());
        }
        core.restore(kept, current);
    }

    @Deactivate
    void deactivate() {
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            try {
                subscriptions.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a subscription failed", e);
            }
        }
        loop.shutdown();
        net.shutdownNow();
        try {
            if (!loop.awaitTermination(WAIT_S, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ================================================================ ConfigAdmin

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        final String pid = event.getPid();
        if (event.getType() == ConfigurationEvent.CM_LOCATION_CHANGED || !shareable(pid, event.getFactoryPid())) {
            return;
        }
        loop.execute(guarded("event", () -> {
            final ConfigCore.Written now = read(pid);
            if (now != null) {
                core.localChanged(pid, now);
            }
        }));
    }

    /** Shared PIDs, and named factory configurations (factoryPid~name); a generated factory PID differs per node. */
    private boolean shareable(String pid, String factoryPid) {
        return settings.policy().shares(pid) && (factoryPid == null || pid.startsWith(factoryPid + "~"));
    }

    /**
     * Loop thread: the shared properties ConfigAdmin holds for {@code pid}, or null (counted, logged)
     * when they cannot be shared.
     */
    private ConfigCore.Written read(String pid) {
        final Configuration c = find(pid);
        final Dictionary<String, Object> props = c == null ? null : c.getProperties();
        if (props == null) {
            return new ConfigCore.Written(ConfigCore.NO_STAMP, null);
        }
        final SortedMap<String, Value> shared = new TreeMap<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
            final String key = keys.nextElement();
            if (!settings.policy().local(key)) {
                try {
                    Entry.name("key", key);
                    shared.put(key, Value.of(props.get(key)));
                } catch (IllegalArgumentException e) {
                    return refused(pid, key + ": " + e.getMessage());
                }
            }
        }
        final int size = Json.size(shared);
        if (size > settings.maxEntryBytes()) {
            return refused(pid, "its properties are " + size + " bytes, above max.entry.bytes " + settings.maxEntryBytes());
        }
        return new ConfigCore.Written(c.getChangeCount(), shared);
    }

    private ConfigCore.Written refused(String pid, String why) {
        LOG.log(System.Logger.Level.ERROR, "{0}: {1} is not shared: {2}; the cluster keeps its last value", self, pid, why);
        core.localRefused(pid, why);
        return null;
    }

    private Configuration find(String pid) {
        try {
            final Configuration[] found = admin.listConfigurations("(service.pid=" + escape(pid) + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot look up " + pid + ": " + e, e);
        }
    }

    private static String escape(String value) {
        final StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    // ================================================================ swarm:config

    /** What {@code swarm:config list} shows. */
    record View(String node, List<Entry> entries, Map<String, Boolean> applied, Set<String> peers,
                ConfigCore.Counts counts, List<String> errors, Policy policy) {
    }

    View view() {
        return call(() -> {
            final Map<String, Boolean> applied = new TreeMap<>();
            for (Entry e : core.catalog()) {
                applied.put(e.pid(), core.applied(e.pid()));
            }
            return new View(self.name(), core.catalog(), applied, core.peers(), core.counts(), core.errors(),
                    settings.policy());
        });
    }

    Policy policy() {
        return settings.policy();
    }

    /**
     * Sets ({@code value} non-null) or removes one key of {@code pid} on this node, or deletes the PID
     * ({@code key} null), and makes it the cluster's change at once.
     *
     * @return the PID's entry after the change
     */
    Entry change(String pid, String key, String value) {
        return call(() -> {
            final Configuration c = find(pid);
            if (key == null) {
                if (c == null) {
                    throw new IllegalArgumentException(pid + " has no configuration on this node");
                }
                c.delete();
            } else {
                final Dictionary<String, Object> old = c == null ? null : c.getProperties();
                final Hashtable<String, Object> next = new Hashtable<>();
                if (old != null) {
                    for (Enumeration<String> keys = old.keys(); keys.hasMoreElements(); ) {
                        final String k = keys.nextElement();
                        next.put(k, old.get(k));
                    }
                }
                if (value == null) {
                    if (next.remove(key) == null) {
                        throw new IllegalArgumentException(pid + " has no key " + key + " on this node");
                    }
                } else {
                    next.put(key, Typed.parse(value, next.get(key)));
                }
                (c == null ? create(pid) : c).update(next);
            }
            final ConfigCore.Written now = read(pid);
            if (now == null) {
                throw new IllegalArgumentException(pid + " holds a value that cannot be shared: " + last());
            }
            core.localChanged(pid, now);
            return core.entry(pid);
        });
    }

    private String last() {
        final List<String> errors = core.errors();
        return errors.isEmpty() ? "" : errors.get(errors.size() - 1);
    }

    private Configuration create(String pid) throws IOException {
        final int tilde = pid.indexOf('~');
        return tilde > 0 ? admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), "?")
                : admin.getConfiguration(pid, "?");
    }

    private <T> T call(Callable<T> task) {
        try {
            return loop.submit(task).get(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster configuration did not answer within " + WAIT_S + " s", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the cluster configuration stopped", e);
        }
    }

    // ================================================================ the network

    private void onMessage(InboundMessage m) {
        final ByteBuffer payload = m.payload();
        final Msg msg;
        try {
            if (payload.remaining() > limits.maxDocument()) {
                throw new IllegalArgumentException(payload.remaining() + " bytes is above the limit " + limits.maxDocument());
            }
            final byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            msg = Json.decode(bytes, limits);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "{0}: refused a cluster configuration message from {1}: {2}", self,
                    m.sender().id(), e.getMessage());
            core.remoteRefused(m.sender().id(), e.getMessage());
            return;
        }
        core.onMessage(m.sender().id(), msg);
    }

    private final class Listener implements MembershipListener {
        @Override
        public void memberUp(Member member) {
            members.put(member.id(), member);
            loop.execute(guarded("member up", () -> core.nodeUp(member.id())));
        }

        @Override
        public void memberDown(Member member, DownReason reason) {
            loop.execute(guarded("member down", () -> {
                core.nodeDown(member.id());
                members.remove(member.id());
            }));
        }
    }

    private final class NodeEffects implements ConfigCore.Effects {
        @Override
        public void send(NodeId to, Msg msg) {
            final Member peer = members.get(to);
            if (peer == null) {
                return;
            }
            final ByteBuffer bytes = ByteBuffer.wrap(Json.encode(msg));
            net.execute(() -> {
                try {
                    transport.send(peer, TOPIC, bytes);
                } catch (TransportException | IllegalArgumentException e) {
                    // the periodic digest repairs it
                    LOG.log(System.Logger.Level.DEBUG, "{0}: cannot send to {1}: {2}", self, to, e.getMessage());
                }
            });
        }

        @Override
        public ConfigCore.Written apply(String pid, SortedMap<String, Value> props) {
            try {
                final Configuration c = find(pid);
                if (props == null) {
                    if (c != null) {
                        c.delete();
                        LOG.log(System.Logger.Level.INFO, "{0}: deleted {1}, as the cluster did", self, pid);
                    }
                    return new ConfigCore.Written(ConfigCore.NO_STAMP, null);
                }
                final Hashtable<String, Object> next = new Hashtable<>();
                final Dictionary<String, Object> old = c == null ? null : c.getProperties();
                if (old != null) {
                    for (Enumeration<String> keys = old.keys(); keys.hasMoreElements(); ) {
                        final String k = keys.nextElement();
                        if (settings.policy().local(k)) {
                            next.put(k, old.get(k)); // this node's secrets and FileInstall's file name stay
                        }
                    }
                }
                props.forEach((k, v) -> next.put(k, v.toConfig()));
                (c == null ? create(pid) : c).update(next);
                LOG.log(System.Logger.Level.INFO, "{0}: applied the cluster''s {1}: {2}", self, pid, props.keySet());
                return read(pid);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "{0}: cannot apply the cluster''s {1}: {2}", self, pid, e.toString());
                return null;
            }
        }

        @Override
        public void stateChanged(Json.State state) {
            try {
                Files.createDirectories(stateFile.getParent());
                final Path part = stateFile.resolveSibling("state.json.part");
                Files.write(part, Json.state(state));
                Files.move(part, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: cannot keep the cluster configuration: {1}", self, e);
            }
        }
    }

    /** A periodic task that logs what it throws instead of ending its schedule. */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, self + ": cluster configuration " + what + " failed", e);
            }
        };
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
