package org.swarmosgi.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The framework side: installs, updates, starts and uninstalls deployed bundles, which are known by
 * their location {@code swarm:deployment:<symbolic name>}. Which hash each one was installed from is
 * kept in this bundle's data area, beside the framework's own record of the bundles (so both survive
 * or vanish together). Blocking: runs on the deployment's I/O thread, never on a framework thread.
 */
final class BundleInstaller {
    static final String LOCATION = "swarm:deployment:";
    private static final System.Logger LOG = System.getLogger(BundleInstaller.class.getName());
    private static final long REFRESH_TIMEOUT_S = 30;
    private static final long START_TIMEOUT_S = 120;

    private final BundleContext context;
    private final Path record;
    private final Map<String, String> hashes = new HashMap<>();

    BundleInstaller(BundleContext context) throws IOException {
        this.context = context;
        final java.io.File data = context.getDataFile("installed.properties");
        this.record = data == null ? null : data.toPath();
        if (record != null && Files.isRegularFile(record)) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.forEach((k, v) -> hashes.put((String) k, (String) v));
        }
        hashes.keySet().removeIf(bsn -> bundle(bsn) == null);
    }

    /** The deployed bundles present in the framework and the hash each came from ("" when unknown). */
    Map<String, String> present() {
        final Map<String, String> out = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith(LOCATION)) {
                final String bsn = b.getLocation().substring(LOCATION.length());
                out.put(bsn, hashes.getOrDefault(bsn, ""));
            }
        }
        return out;
    }

    /** Installs or updates the bundle of {@code entry} from {@code bytes}, then starts it. */
    DeploymentCore.Outcome install(Entry entry, Path bytes) {
        final String what = entry.bsn() + " " + entry.version();
        Bundle b = bundle(entry.bsn());
        if (!Files.isRegularFile(bytes)) {
            return new DeploymentCore.Outcome(now(entry.bsn()), false, "cannot install " + what + ": its bytes are not "
                    + "stored (" + bytes + ")", true);
        }
        try {
            if (b == null) {
                try (InputStream in = Files.newInputStream(bytes)) {
                    b = context.installBundle(LOCATION + entry.bsn(), in);
                }
                remember(entry.bsn(), entry.sha256());
                LOG.log(System.Logger.Level.INFO, "installed " + what + " (" + Hashes.shortly(entry.sha256()) + ")");
            } else if (!entry.sha256().equals(hashes.get(entry.bsn()))) {
                try (InputStream in = Files.newInputStream(bytes)) {
                    b.update(in);
                }
                remember(entry.bsn(), entry.sha256());
                refresh(b);
                LOG.log(System.Logger.Level.INFO, "updated " + entry.bsn() + " to " + entry.version() + " ("
                        + Hashes.shortly(entry.sha256()) + ")");
            }
        } catch (BundleException | IOException | RuntimeException e) {
            final String error = "cannot install " + what + ": " + e.getMessage();
            LOG.log(System.Logger.Level.ERROR, error);
            return new DeploymentCore.Outcome(now(entry.bsn()), false, error, false);
        }
        try {
            awaitFrameworkStarted();
            b.start();
        } catch (BundleException | RuntimeException e) {
            final String error = "cannot start " + what + ": " + e.getMessage();
            LOG.log(System.Logger.Level.ERROR, error);
            return new DeploymentCore.Outcome(entry.sha256(), false, error, false);
        }
        final boolean active = (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
        return new DeploymentCore.Outcome(entry.sha256(), active, active ? "" : "cannot start " + what + ": it is "
                + (b.getState() == Bundle.INSTALLED ? "not resolved" : "resolved but not started")
                + " (framework start level " + context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel()
                + ", the bundle's " + b.adapt(BundleStartLevel.class).getStartLevel() + ")", false);
    }

    DeploymentCore.Outcome uninstall(String bsn) {
        final Bundle b = bundle(bsn);
        if (b == null) {
            return new DeploymentCore.Outcome(null, false, "", false);
        }
        try {
            b.uninstall();
            forget(bsn);
            refresh(b);
            LOG.log(System.Logger.Level.INFO, "uninstalled " + bsn);
            return new DeploymentCore.Outcome(null, false, "", false);
        } catch (BundleException | RuntimeException e) {
            final String error = "cannot uninstall " + bsn + ": " + e.getMessage();
            LOG.log(System.Logger.Level.ERROR, error);
            return new DeploymentCore.Outcome(now(bsn), false, error, false);
        }
    }

    /** The hash of the bundle of {@code bsn} in the framework: null when none is, "" when unknown. */
    private String now(String bsn) {
        return bundle(bsn) == null ? null : hashes.getOrDefault(bsn, "");
    }

    private Bundle bundle(String bsn) {
        return context.getBundle(LOCATION + bsn);
    }

    /**
     * Waits (bounded) until the framework has started: while it is still starting (a node installs its
     * deployments as it starts), {@code start()} of a bundle at the start level being entered only marks
     * it to be started, the framework does not start it (its list was made before), and a bundle that
     * does not resolve goes unreported. The system bundle is ACTIVE once startup is done.
     */
    private void awaitFrameworkStarted() {
        final Bundle system = context.getBundle(0);
        if (system.getState() == Bundle.ACTIVE) {
            return;
        }
        final CountDownLatch started = new CountDownLatch(1);
        final FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        };
        context.addFrameworkListener(listener);
        try {
            if (system.getState() != Bundle.ACTIVE && !started.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the framework has not finished starting after "
                        + START_TIMEOUT_S + " s; starting deployed bundles anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            context.removeFrameworkListener(listener);
        }
    }

    /** Lets bundles wired to the old revision rewire (and the old revision go), waiting a bounded time. */
    private void refresh(Bundle b) {
        final FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        final CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_TIMEOUT_S, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "refreshing " + b.getLocation() + " took over "
                        + REFRESH_TIMEOUT_S + " s; going on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void remember(String bsn, String sha256) {
        hashes.put(bsn, sha256);
        save();
    }

    private void forget(String bsn) {
        hashes.remove(bsn);
        save();
    }

    private void save() {
        if (record == null) {
            return;
        }
        final Properties p = new Properties();
        p.putAll(hashes);
        try {
            final Path tmp = record.resolveSibling("installed.properties.tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "deployed bundles: symbolic name = SHA-256 installed");
            }
            Files.move(tmp, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot keep the installed hashes in " + record + ": " + e);
        }
    }
}
