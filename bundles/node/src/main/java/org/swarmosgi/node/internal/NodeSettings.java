package org.swarmosgi.node.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

import org.swarmosgi.api.NodeId;

/**
 * The node settings, checked and with defaults filled in. Every refusal names the key at fault,
 * so a bad configuration is fixed from the log line alone.
 */
record NodeSettings(String name, String clusterName, byte[] secret, boolean defaultSecret,
                    String autocluster, String bindAddress, String advertiseAddress, Path workDirectory) {

    /** The development secret used when none is configured: fine on loopback, refused elsewhere. */
    static final String DEVELOPMENT_SECRET = "swarm-for-osgi-development-secret";
    static final int MIN_SECRET_LENGTH = 16;
    static final Set<String> STRATEGIES = Set.of("multicast", "kubernetes", "static", "none");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the environment comes in: host name, network interfaces. Replaced in tests. */
    interface Environment {
        String hostName();

        String firstNonLoopbackAddress();
    }

    static NodeSettings from(NodeConfig config, Path defaultWorkDirectory, Environment env) {
        final String name = config.name().isBlank()
                ? env.hostName() + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt()).substring(2)
                : config.name().trim();
        try {
            new NodeId(name, 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("name", e.getMessage());
        }
        final String cluster = orDefault(config.cluster_name(), "cluster_name");
        if (!CLUSTER_NAME.matcher(cluster).matches()) {
            throw new ConfigException("cluster.name",
                    "must be 1 to 64 letters, digits, '.', '_' or '-', was '" + cluster + "'");
        }
        final String autocluster = orDefault(config.autocluster(), "autocluster").toLowerCase(java.util.Locale.ROOT);
        if (!STRATEGIES.contains(autocluster)) {
            throw new ConfigException("autocluster", "must be one of " + STRATEGIES + ", was '" + config.autocluster() + "'");
        }
        final String bind = orDefault(config.bind_address(), "bind_address");
        final InetAddress bindAddress = literalAddress("bind.address", bind);
        final boolean loopbackOnly = bindAddress.isLoopbackAddress();

        final String secretValue = secret(config);
        final boolean defaultSecret = secretValue.isEmpty();
        if (defaultSecret && !loopbackOnly) {
            throw new ConfigException("cluster.secret", "must be set when bind.address is not a loopback address ("
                    + bind + "): the built-in development secret is public");
        }
        if (!defaultSecret && secretValue.length() < MIN_SECRET_LENGTH) {
            throw new ConfigException("cluster.secret", "must be at least " + MIN_SECRET_LENGTH
                    + " characters, was " + secretValue.length());
        }
        final byte[] secret = (defaultSecret ? DEVELOPMENT_SECRET : secretValue).getBytes(StandardCharsets.UTF_8);

        final String advertise;
        if (!config.advertise_address().isBlank()) {
            advertise = config.advertise_address().trim();
            if (literalAddress("advertise.address", advertise).isAnyLocalAddress()) {
                throw new ConfigException("advertise.address", "must not be a wildcard address, was " + advertise);
            }
        } else if (bindAddress.isAnyLocalAddress()) {
            advertise = env.firstNonLoopbackAddress();
            if (advertise == null) {
                throw new ConfigException("advertise.address", "must be set: bind.address is a wildcard and "
                        + "this host has no non-loopback address that is up");
            }
        } else {
            advertise = bind;
        }
        final Path work = config.work_dir().isBlank() ? defaultWorkDirectory : Path.of(config.work_dir().trim());
        try {
            Files.createDirectories(work);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("work.dir", "cannot create folder " + work + ": " + e);
        }
        return new NodeSettings(name, cluster, secret, defaultSecret, autocluster, bind, advertise,
                work.toAbsolutePath());
    }

    /** A configured value, or the annotation's default when it is blank: empty always means "the default". */
    private static String orDefault(String value, String attribute) {
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        try {
            return (String) NodeConfig.class.getMethod(attribute).getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("NodeConfig has no attribute " + attribute, e);
        }
    }

    private static String secret(NodeConfig config) {
        final String inline = config.cluster_secret();
        final String file = config.cluster_secret_file().trim();
        if (!file.isEmpty()) {
            if (!inline.isEmpty()) {
                throw new ConfigException("cluster.secret.file", "set both cluster.secret and cluster.secret.file; set one");
            }
            try {
                final String fromFile = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (fromFile.isEmpty()) {
                    throw new ConfigException("cluster.secret.file", "file " + file + " is empty");
                }
                return fromFile;
            } catch (IOException e) {
                throw new ConfigException("cluster.secret.file", "cannot read " + file + ": " + e);
            }
        }
        return inline;
    }

    /** Accepts IP literals only: a setting that triggers DNS at start-up would hang or vary. */
    private static InetAddress literalAddress(String key, String value) {
        if (value.isEmpty() || !(value.indexOf(':') >= 0 || value.matches("[0-9.]+"))) {
            throw new ConfigException(key, "must be an IPv4 or IPv6 address literal, was '" + value + "'");
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "is not a valid IP address: '" + value + "'");
        }
    }

    /** The real host: its name, and its first non-loopback IPv4 address on an interface that is up. */
    static final class HostEnvironment implements Environment {
        @Override
        public String hostName() {
            final String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env.trim();
            }
            try {
                final String etc = Files.readString(Path.of("/etc/hostname")).strip();
                if (!etc.isEmpty()) {
                    return etc;
                }
            } catch (IOException | RuntimeException e) {
                // fall through: not every system has the file
            }
            return "node";
        }

        @Override
        public String firstNonLoopbackAddress() {
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!nif.isUp() || nif.isLoopback()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                        if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
                            return a.getHostAddress();
                        }
                    }
                }
            } catch (SocketException e) {
                return null;
            }
            return null;
        }
    }
}
