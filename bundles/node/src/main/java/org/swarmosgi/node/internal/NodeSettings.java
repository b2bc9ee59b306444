package org.swarmosgi.node.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

import org.swarmosgi.api.NodeId;

/**
 * The node settings, checked and with defaults filled in. Every refusal names the key at fault,
 * so a bad configuration is fixed from the log line alone; no refusal and no {@link #toString()}
 * contains the secret.
 */
record NodeSettings(String name, String clusterName, byte[] secret,
                    String autocluster, String bindAddress, String advertiseAddress, Path workDirectory,
                    Set<String> roles) {

    /** The development secret used when none is configured: fine on loopback, refused elsewhere. */
    static final String DEVELOPMENT_SECRET = "swarm-for-osgi-development-secret";
    private static final byte[] DEVELOPMENT_SECRET_BYTES = DEVELOPMENT_SECRET.getBytes(StandardCharsets.UTF_8);
    static final int MIN_SECRET_LENGTH = 16;
    /** A secret is one line; a cap keeps a wrong path (a log, a device) from being read whole. */
    static final int MAX_SECRET_FILE_BYTES = 4096;
    /** Group and others may do nothing with the secret file, as ssh demands of private keys. */
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** What a root-owned secret file may grant beyond its owner: reading by its group. */
    private static final Set<PosixFilePermission> NOT_OWNER_BUT_GROUP_READ = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final System.Logger LOG = System.getLogger(NodeSettings.class.getName());
    static final Set<String> STRATEGIES = Set.of("multicast", "kubernetes", "static", "none");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ROLE = CLUSTER_NAME;
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

        final String secretKey = config.cluster_secret_file().isBlank() ? "cluster.secret" : "cluster.secret.file";
        final String secretValue = secret(config);
        if (!secretValue.isEmpty() && secretValue.length() < MIN_SECRET_LENGTH) {
            throw new ConfigException(secretKey, "must be at least " + MIN_SECRET_LENGTH
                    + " characters, was " + secretValue.length());
        }
        // Whether the secret may reach off loopback is NodeIdentity's check (LocalNode.requireSecretFor).
        final byte[] secret = (secretValue.isEmpty() ? DEVELOPMENT_SECRET : secretValue).getBytes(StandardCharsets.UTF_8);

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
        return new NodeSettings(name, cluster, secret, autocluster, bind, advertise, work.toAbsolutePath(),
                roles(config.roles()));
    }

    /** Comma-separated roles, each checked; blanks around commas ignored, duplicates folded. */
    static Set<String> roles(String value) {
        final Set<String> roles = new java.util.TreeSet<>();
        for (String raw : value.split(",", -1)) {
            final String role = raw.trim();
            if (role.isEmpty()) {
                if (!value.isBlank()) {
                    throw new ConfigException("roles", "has an empty role: '" + value + "'");
                }
                continue;
            }
            if (!ROLE.matcher(role).matches()) {
                throw new ConfigException("roles", "each role must be 1 to 64 letters, digits, '.', '_' or '-', was '"
                        + role + "'");
            }
            roles.add(role);
        }
        return Collections.unmodifiableSet(roles);
    }

    /**
     * True when the secret is the development secret, defaulted or given literally: it is public
     * either way, so it must not matter how it got here.
     */
    boolean defaultSecret() {
        return MessageDigest.isEqual(secret, DEVELOPMENT_SECRET_BYTES);
    }

    /** Never the secret: this record reaches log lines through the objects that hold it. */
    @Override
    public String toString() {
        return "NodeSettings[name=" + name + ", clusterName=" + clusterName + ", secret=(redacted"
                + (defaultSecret() ? ", the development secret" : "") + "), autocluster=" + autocluster
                + ", bindAddress=" + bindAddress + ", advertiseAddress=" + advertiseAddress
                + ", workDirectory=" + workDirectory + ", roles=" + roles + "]";
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
            final String fromFile = readSecretFile(file);
            if (fromFile.isEmpty()) {
                throw new ConfigException("cluster.secret.file", "file " + file + " is empty");
            }
            return fromFile;
        }
        return inline;
    }

    /**
     * Reads the secret file: a regular file, private to its owner where the file system has POSIX
     * permissions, at most {@value #MAX_SECRET_FILE_BYTES} bytes of UTF-8. Messages name the file
     * and the problem, never its content.
     */
    private static String readSecretFile(String file) {
        final Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new ConfigException("cluster.secret.file", "is not a valid path: '" + file + "'");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException("cluster.secret.file", "cannot read " + file + ": "
                    + (Files.exists(path) ? "not a regular file" : "no such file"));
        }
        requireOwnerOnly(path, file);
        final byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_SECRET_FILE_BYTES + 1);
        } catch (IOException e) {
            // The exception's own text: a path and a reason, never file content.
            throw new ConfigException("cluster.secret.file", "cannot read " + file + ": " + e);
        }
        try {
            if (bytes.length > MAX_SECRET_FILE_BYTES) {
                throw new ConfigException("cluster.secret.file", "file " + file + " is larger than the cap of "
                        + MAX_SECRET_FILE_BYTES + " bytes: it should hold the secret alone");
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString().strip();
        } catch (CharacterCodingException e) {
            throw new ConfigException("cluster.secret.file", "file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Refuses a secret file that group or others may read, write or execute (mode & 077), as ssh
     * refuses private keys; except that a file owned by root may be readable by its group (at most
     * 0640), as PostgreSQL allows its key file: that is how a Kubernetes Secret volume reaches a
     * non-root pod (root-owned, group fsGroup, mode 0440), and how /etc/ssl/private keys are shared.
     * Links are followed: a Secret volume links each key to a file whose mode is the volume's
     * {@code defaultMode}. A file system without POSIX permissions (Windows) cannot be checked: that
     * is logged, and the file is read.
     */
    private static void requireOwnerOnly(Path path, String file) {
        final Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster.secret.file: the file system of " + file
                    + " has no POSIX permissions, so who may read it is not checked; make sure only this node's user can");
            return;
        } catch (IOException e) {
            throw new ConfigException("cluster.secret.file", "cannot read the permissions of " + file + ": " + e);
        }
        final boolean ownedByRoot = ownedByRoot(path);
        if (!Collections.disjoint(permissions, ownedByRoot ? NOT_OWNER_BUT_GROUP_READ : NOT_OWNER)) {
            final String mode = mode(permissions);
            throw new ConfigException("cluster.secret.file", "file " + file + " has mode " + mode
                    + ": it is open to " + (ownedByRoot ? "others, or its group may write or execute it" : "group or others")
                    + "; make it private to the node's user: chmod 600 " + file
                    + " (a root-owned file may also be readable by the node's group: chmod 640)");
        }
    }

    /** True when the file's owner is uid 0; false where the owner's uid cannot be read. */
    private static boolean ownedByRoot(Path path) {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(path, "unix:uid"));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false; // no unix view: only the stricter owner-only rule applies
        } catch (IOException e) {
            throw new ConfigException("cluster.secret.file", "cannot read the owner of " + path + ": " + e);
        }
    }

    /** The octal mode, as ls and chmod show it: 0644. */
    static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal()); // the enum runs OWNER_READ .. OTHERS_EXECUTE, rwx from the top bit
        }
        return String.format("0%03o", mode);
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
