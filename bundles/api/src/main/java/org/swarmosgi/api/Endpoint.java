package org.swarmosgi.api;

import java.util.Objects;

/**
 * A UDP endpoint: a host (an IP address literal or a host name) and a port.
 *
 * @param host the host; not empty
 * @param port the port, 0 to 65535 (0 only for "any free port" in a bind setting)
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("endpoint host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("endpoint port must be 0..65535, was " + port);
        }
    }

    /**
     * Parses {@code host:port}, or {@code [v6-address]:port} for IPv6.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        final String s = text.trim();
        final int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("endpoint must be host:port, was '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 endpoint must be [address]:port, was '" + text + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint port is not a number in '" + text + "'");
        }
        return new Endpoint(host, port);
    }

    /** {@code host:port}, with IPv6 addresses in brackets: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
