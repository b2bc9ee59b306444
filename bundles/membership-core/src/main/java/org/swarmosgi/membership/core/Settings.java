package org.swarmosgi.membership.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.swarmosgi.api.Endpoint;

/**
 * Checks of strategy configuration values. Each refuses a bad value with an
 * {@link IllegalArgumentException} whose message starts with the configuration key, so the log line
 * that SCR writes on a failed activation says which setting to fix.
 */
public final class Settings {

    /** Keys of the timing settings, the same in every strategy's configuration. */
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat_interval_ms";
    public static final String PHI_THRESHOLD = "phi_threshold";
    public static final String ACCEPTABLE_PAUSE_MS = "acceptable_pause_ms";
    public static final String MIN_STD_DEVIATION_MS = "min_std_deviation_ms";

    private Settings() {
    }

    /** An IP address literal or a resolvable host name. */
    public static InetAddress address(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": an address is required");
        }
        try {
            return InetAddress.getByName(value.trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not an address or a known host name");
        }
    }

    /** A multicast group address. */
    public static InetAddress multicastGroup(String key, String value) {
        final InetAddress group = address(key, value);
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a multicast address (224.0.0.0/4 or ff00::/8)");
        }
        return group;
    }

    /** A port, 1 to 65535, or 0 too when {@code zeroMeansAny}. */
    public static int port(String key, int value, boolean zeroMeansAny) {
        if (value < (zeroMeansAny ? 0 : 1) || value > 65_535) {
            throw new IllegalArgumentException(key + ": port must be " + (zeroMeansAny ? "0" : "1")
                    + " to 65535, was " + value);
        }
        return value;
    }

    /** A multicast TTL, 0 to 255. */
    public static int ttl(String key, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(key + ": must be 0 to 255, was " + value);
        }
        return value;
    }

    /** {@code host:port} entries, resolved now; refuses a bad one by its text. */
    public static List<InetSocketAddress> endpoints(String key, String[] values) {
        final List<InetSocketAddress> result = new ArrayList<>();
        if (values == null) {
            return result;
        }
        // A .cfg line arrives as one string: "a:1, b:2" is two seeds, as is a list of two.
        final List<String> items = new ArrayList<>();
        for (String value : values) {
            if (value != null) {
                for (String item : value.split("[,\\s]+")) {
                    if (!item.isBlank()) {
                        items.add(item);
                    }
                }
            }
        }
        for (String value : items) {
            final Endpoint endpoint;
            try {
                endpoint = Endpoint.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
            port(key, endpoint.port(), false);
            result.add(new InetSocketAddress(address(key, endpoint.host()), endpoint.port()));
        }
        return result;
    }

    /** The four timing settings, each refused by its own key. */
    public static Timing timing(long heartbeatIntervalMs, double phiThreshold, long acceptablePauseMs,
                                long minStdDeviationMs) {
        if (heartbeatIntervalMs < 10 || heartbeatIntervalMs > 10_000) {
            throw new IllegalArgumentException(HEARTBEAT_INTERVAL_MS + ": must be 10 to 10000, was " + heartbeatIntervalMs);
        }
        if (!(phiThreshold >= 1.0 && phiThreshold <= 30.0)) {
            throw new IllegalArgumentException(PHI_THRESHOLD + ": must be 1 to 30, was " + phiThreshold);
        }
        if (acceptablePauseMs < 0 || acceptablePauseMs > 60_000) {
            throw new IllegalArgumentException(ACCEPTABLE_PAUSE_MS + ": must be 0 to 60000, was " + acceptablePauseMs);
        }
        if (minStdDeviationMs < 1 || minStdDeviationMs > 10_000) {
            throw new IllegalArgumentException(MIN_STD_DEVIATION_MS + ": must be 1 to 10000, was " + minStdDeviationMs);
        }
        return new Timing(Duration.ofMillis(heartbeatIntervalMs), phiThreshold, Duration.ofMillis(acceptablePauseMs),
                Duration.ofMillis(minStdDeviationMs));
    }
}
