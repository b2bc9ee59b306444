package org.swarmosgi.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployments;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.InboundMessage;
import org.swarmosgi.api.transport.Topics;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.api.transport.TransportException;

/**
 * The {@link Deployments} service of a node: {@link DeploymentCore} on its own thread, fed by
 * membership, the transport, the deploy folder and the shell; its effects carried out by the
 * {@link Fetcher}, the {@link BlobStore} and the {@link BundleInstaller}.
 *
 * <p>Threads: {@code swarm-deployment-<node>} (the state machine and its timer), {@code -io} (file
 * and framework work: imports, fetched chunks, installs, the folder scan) and {@code -net} (sends,
 * and answers to peers' fetches), so a slow install never delays the protocol, nor a slow peer.
 */
@Component(service = Deployments.class, immediate = true, configurationPid = DeploymentComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeploymentConfig.class)
public final class DeploymentComponent implements Deployments {
    public static final String PID = "org.swarmosgi.deployment";
    /** Catalog, digest and status messages. */
    static final int TOPIC_CONTROL = Topics.DEPLOYMENT_BASE;
    /** Requests for a chunk of a bundle's bytes. */
    static final int TOPIC_FETCH = Topics.DEPLOYMENT_BASE + 1;

    private static final System.Logger LOG = System.getLogger(DeploymentComponent.class.getName());
    private static final long TICK_MS = 250;
    private static final int ERRORS_KEPT = 16;
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(5);

    private final NodeId self;
    private final DeploymentSettings settings;
    private final Transport transport;
    private final BlobStore store;
    private final BundleInstaller installer;
    private final Fetcher fetcher;
    private final DeploymentCore core;
    private final ScheduledExecutorService loop;
    private final ExecutorService io;
    private final ExecutorService net;
    private final Map<NodeId, Member> members = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final ConcurrentLinkedDeque<String> errors = new ConcurrentLinkedDeque<>();
    /** Hashes stored by an import the core has not been told of yet: never cleaned away meanwhile. */
    private final Set<String> importing = ConcurrentHashMap.newKeySet();
    /** The hashes the catalog needs, as the state machine last said. */
    private volatile Set<String> needed = Set.of();
    private final AtomicBoolean scanQueued = new AtomicBoolean();
    /** Deploy folder: what was deployed from each file (io thread). */
    private final DirectoryScan scan = new DirectoryScan();
    private final Map<String, BlobStore.Stored> fromFile = new HashMap<>();
    private final Path deployDir;
    private volatile boolean closed;

    @Activate
    public DeploymentComponent(BundleContext context, @Reference LocalNode node, @Reference Transport transport,
                               @Reference Membership membership, DeploymentConfig config) throws IOException {
        this.self = node.id();
        try {
            this.settings = DeploymentSettings.of(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
        this.transport = transport;
        final String name = "swarm-deployment-" + self.name();
        // After deactivation, work handed between the threads is dropped quietly (DiscardPolicy).
        this.loop = new ScheduledThreadPoolExecutor(1, named(name), new ThreadPoolExecutor.DiscardPolicy());
        this.io = single(name + "-io");
        this.net = single(name + "-net");
        this.store = new BlobStore(settings.storeDir().isEmpty()
                ? node.workDirectory().resolve("deployment") : Path.of(settings.storeDir()));
        this.installer = new BundleInstaller(context);
        this.fetcher = new Fetcher(transport, TOPIC_FETCH, store, settings.chunkSize(), settings.maxBundleSize(),
                Duration.ofMillis(settings.fetchTimeoutMs()), io);
        this.core = new DeploymentCore(self.name(), new NodeEffects(), System::currentTimeMillis,
                settings.retryDelayMs(), settings.gossipIntervalMs(), settings.maxDeployments(), settings.rollingWaitMs());
        this.deployDir = settings.deployDir().isEmpty() ? null : Path.of(settings.deployDir()).toAbsolutePath();

        final List<Entry> kept = store.readCatalog(settings.maxDeployments(), settings.maxBundleSize());
        final Set<String> stored = store.hashes();
        final Map<String, String> present = installer.present();
        loop.execute(() -> core.restore(kept, stored, present));
        subscriptions.add(transport.handle(TOPIC_CONTROL, loop, this::onControl));
        subscriptions.add(transport.handle(TOPIC_FETCH, net, this::onFetch));
        subscriptions.add(membership.subscribe(new Listener()));
        loop.scheduleWithFixedDelay(guarded("tick", core::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        if (deployDir != null) { // a folder that does not exist yet is scanned once it does
            loop.scheduleWithFixedDelay(guarded("scan", this::queueScan), 0, settings.watchIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
        LOG.log(System.Logger.Level.INFO, "{0}: deployment running{1}", self,
                deployDir == null ? "" : ", watching " + deployDir);
    }

    /** A periodic task that logs what it throws instead of ending its schedule. */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, self + ": deployment " + what + " failed", e);
            }
        };
    }

    /** One thread, there only while there is work: deployments are rare, a node's threads should be few. */
    private static ExecutorService single(String name) {
        final ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named(name), new ThreadPoolExecutor.DiscardPolicy());
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    @Deactivate
    void deactivate() {
        closed = true;
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            try {
                subscriptions.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a subscription failed", e);
            }
        }
        loop.shutdownNow();
        net.shutdownNow();
        io.shutdown(); // a framework operation under way finishes
        try {
            if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ================================================================ the API

    @Override
    public CompletionStage<Deployment> deploy(URI source) {
        final CompletableFuture<Deployment> result = new CompletableFuture<>();
        if (closed) {
            return fail(result, new IllegalStateException("cannot deploy " + source + ": the deployment service stopped"));
        }
        final String scheme = source.getScheme() == null ? "" : source.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!settings.allowedSchemes().contains(scheme)) {
            return fail(result, new IllegalArgumentException("cannot deploy " + source + ": scheme '" + scheme
                    + "' is not in allowed.schemes " + settings.allowedSchemes()));
        }
        io.execute(() -> {
            try {
                final BlobStore.Stored s;
                try (InputStream in = open(source)) {
                    s = store.importFrom(in, settings.maxBundleSize());
                }
                accept(s, source.toString(), result);
            } catch (IOException | RuntimeException e) {
                fail(result, e instanceof IllegalArgumentException
                        ? new IllegalArgumentException("cannot deploy " + source + ": " + e.getMessage(), e)
                        : new IOException("cannot deploy " + source + ": " + e, e));
            }
        });
        return result;
    }

    /** Io thread: the bytes are stored; the core makes them the deployment of their name. */
    private void accept(BlobStore.Stored s, String from, CompletableFuture<Deployment> result) {
        importing.add(s.sha256());
        loop.execute(() -> {
            try {
                final Entry e = core.deploy(s.manifest().bsn(), s.manifest().version(), s.sha256(), s.size());
                LOG.log(System.Logger.Level.INFO, "{0}: deploying {1} {2} ({3}, {4} bytes) from {5}, generation {6}",
                        self, e.bsn(), e.version(), Hashes.shortly(e.sha256()), Long.toString(e.size()), from,
                        Long.toString(e.generation()));
                result.complete(view(e.bsn()));
            } catch (RuntimeException e) {
                fail(result, new IllegalArgumentException("cannot deploy " + from + ": " + e.getMessage(), e));
            } finally {
                // after the cleanups queued before this deploy (they did not know the hash), never before
                io.execute(() -> importing.remove(s.sha256()));
            }
        });
    }

    @Override
    public CompletionStage<Deployment> undeploy(String symbolicName) {
        final CompletableFuture<Deployment> result = new CompletableFuture<>();
        if (closed) {
            return fail(result, new IllegalStateException("cannot undeploy " + symbolicName
                    + ": the deployment service stopped"));
        }
        loop.execute(() -> {
            try {
                final Entry e = core.undeploy(symbolicName);
                LOG.log(System.Logger.Level.INFO, "{0}: undeploying {1}, generation {2}", self, e.bsn(),
                        Long.toString(e.generation()));
                result.complete(view(e.bsn()));
            } catch (RuntimeException e) {
                fail(result, new IllegalArgumentException("cannot undeploy " + symbolicName + ": " + e.getMessage(), e));
            }
        });
        return result;
    }

    @Override
    public List<Deployment> deployments() {
        if (closed) {
            throw new IllegalStateException("the deployment service stopped");
        }
        try {
            return loop.submit(core::view).get(VIEW_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the deployment state machine did not answer: " + e, e);
        }
    }

    @Override
    public List<String> recentErrors() {
        return List.copyOf(errors);
    }

    /** Loop thread. */
    private Deployment view(String bsn) {
        for (Deployment d : core.view()) {
            if (d.symbolicName().equals(bsn)) {
                return d;
            }
        }
        throw new IllegalStateException(bsn + " vanished from the catalog");
    }

    private InputStream open(URI source) throws IOException {
        if ("file".equalsIgnoreCase(source.getScheme())) {
            final Path p = Path.of(source);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no such file: " + p);
            }
            return Files.newInputStream(p);
        }
        final URLConnection c = source.toURL().openConnection();
        c.setConnectTimeout((int) settings.fetchTimeoutMs());
        c.setReadTimeout((int) settings.fetchTimeoutMs());
        return c.getInputStream();
    }

    private <T> CompletableFuture<T> fail(CompletableFuture<T> f, Exception e) {
        LOG.log(System.Logger.Level.ERROR, "{0}: {1}", self, e.getMessage());
        errors.addLast(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + e.getMessage());
        while (errors.size() > ERRORS_KEPT) {
            errors.pollFirst();
        }
        f.completeExceptionally(e);
        return f;
    }

    // ================================================================ the deploy folder

    private void queueScan() {
        if (scanQueued.compareAndSet(false, true)) {
            io.execute(guarded("scan", () -> {
                scanQueued.set(false);
                scanFolder();
            }));
        }
    }

    /** Io thread: deploys complete new files; undeploys what a removed file had deployed, if still current. */
    private void scanFolder() {
        final Map<String, DirectoryScan.Stamp> files = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(deployDir)) {
            for (Path p : dir) {
                final String name = p.getFileName().toString();
                if (DirectoryScan.candidate(name)) {
                    final BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.put(name, new DirectoryScan.Stamp(a.size(), a.lastModifiedTime().toMillis()));
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // not made yet: nothing dropped
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: cannot scan {1}: {2}", self, deployDir, e);
            return;
        }
        final DirectoryScan.Result r = scan.scan(files);
        for (String name : r.complete()) {
            final Path file = deployDir.resolve(name);
            try (InputStream in = Files.newInputStream(file)) {
                final BlobStore.Stored s = store.importFrom(in, settings.maxBundleSize());
                fromFile.put(name, s);
                accept(s, file.toString(), new CompletableFuture<>());
            } catch (IOException | RuntimeException e) {
                fail(new CompletableFuture<>(), new IllegalArgumentException("cannot deploy " + file + ": "
                        + e.getMessage(), e));
            }
        }
        for (String name : r.gone()) {
            final BlobStore.Stored s = fromFile.remove(name);
            if (s != null) {
                loop.execute(() -> {
                    final Entry e = core.entry(s.manifest().bsn());
                    if (e != null && e.deployed() && e.sha256().equals(s.sha256())) {
                        LOG.log(System.Logger.Level.INFO, "{0}: {1} left {2}: undeploying {3}", self, name, deployDir,
                                e.bsn());
                        core.undeploy(e.bsn());
                    }
                });
            }
        }
    }

    // ================================================================ the network

    private void onControl(InboundMessage m) {
        final Msg msg;
        try {
            msg = Wire.decode(m.payload(), settings.maxDeployments(), settings.maxBundleSize());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: a malformed deployment message from {1}: {2}", self,
                    m.sender().id(), e.getMessage());
            return;
        }
        core.onMessage(m.sender().id(), msg);
    }

    /** Net thread: a peer asks for a chunk of a bundle. */
    private void onFetch(InboundMessage m) {
        if (!m.isRequest()) {
            return;
        }
        try {
            m.reply(Fetcher.serve(store, m.payload(), DeploymentSettings.MAX_CHUNK));
        } catch (IOException | RuntimeException e) {
            m.fail(String.valueOf(e.getMessage()));
        }
    }

    private final class Listener implements MembershipListener {
        @Override
        public void memberUp(Member member) {
            members.put(member.id(), member);
            loop.execute(() -> core.nodeUp(member.id()));
        }

        @Override
        public void memberDown(Member member, DownReason reason) {
            loop.execute(() -> {
                core.nodeDown(member.id());
                members.remove(member.id());
            });
        }
    }

    private final class NodeEffects implements DeploymentCore.Effects {
        @Override
        public void send(NodeId to, Msg msg) {
            final Member peer = members.get(to);
            if (peer == null) {
                return;
            }
            final ByteBuffer bytes = ByteBuffer.wrap(Wire.encode(msg));
            net.execute(() -> {
                try {
                    transport.send(peer, TOPIC_CONTROL, bytes);
                } catch (TransportException | IllegalArgumentException e) {
                    // the periodic digest and status repair it
                    LOG.log(System.Logger.Level.DEBUG, "{0}: cannot send to {1}: {2}", self, to, e.getMessage());
                }
            });
        }

        @Override
        public void fetch(Entry entry, NodeId from) {
            final Member peer = members.get(from);
            if (peer == null) {
                core.fetched(entry.sha256(), from + " is not up");
                return;
            }
            LOG.log(System.Logger.Level.INFO, "{0}: fetching {1} {2} ({3}, {4} bytes) from {5}", self, entry.bsn(),
                    entry.version(), Hashes.shortly(entry.sha256()), Long.toString(entry.size()), from.name());
            fetcher.fetch(entry, peer).whenComplete((ok, error) -> {
                final String why = error == null ? null
                        : "fetching from " + from.name() + " failed: " + (error.getMessage() == null ? error : error.getMessage());
                if (why != null) {
                    LOG.log(System.Logger.Level.ERROR, "{0}: {1} {2}: {3}", self, entry.bsn(), entry.version(), why);
                }
                loop.execute(() -> core.fetched(entry.sha256(), why == null ? null : Wire.cut(why)));
            });
        }

        @Override
        public void install(Entry entry) {
            io.execute(() -> {
                final DeploymentCore.Outcome o = installer.install(entry, store.path(entry.sha256()));
                loop.execute(() -> core.installed(entry.bsn(), entry.sha256(), o));
            });
        }

        @Override
        public void uninstall(String bsn) {
            io.execute(() -> {
                final DeploymentCore.Outcome o = installer.uninstall(bsn);
                loop.execute(() -> core.uninstalled(bsn, o));
            });
        }

        @Override
        public void retain(Set<String> sha256s) {
            needed = sha256s;
            io.execute(() -> { // the latest set when it runs: a stale one never deletes what a newer change needs
                final Set<String> keep = new HashSet<>(needed);
                keep.addAll(importing);
                final Set<String> gone = store.retain(keep);
                if (!gone.isEmpty()) {
                    loop.execute(() -> core.dropped(gone));
                }
            });
        }

        @Override
        public void catalogChanged(List<Entry> catalog) {
            io.execute(() -> {
                try {
                    store.writeCatalog(catalog);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: cannot keep the catalog: {1}", self, e);
                }
            });
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
