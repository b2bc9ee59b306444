package org.swarmosgi.membership.kubernetes.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Running and Ready pod as a membership target: where to send heartbeats, and the node name the
 * pod must announce there.
 *
 * @param podName  the pod's metadata.name, for logs
 * @param ip       the pod's IP as the API reports it
 * @param address  the same IP, parsed
 * @param nodeName {@code <kubernetes_node_basename>@<pod ip>}
 * @param leaving  the pod is being deleted: its node may stay a member until it leaves, but is never
 *                 admitted anew
 */
record PodTarget(String podName, String ip, InetAddress address, String nodeName, boolean leaving) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    PodTarget {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(nodeName, "nodeName");
    }

    /**
     * @throws IllegalArgumentException when the pod's IP is not an IP address literal
     */
    static PodTarget of(Pod pod, String basename) {
        return new PodTarget(pod.name(), pod.ip(), parseIp(pod.ip()), nodeName(basename, pod.ip()), pod.deleting());
    }

    /** The node name Swarm gives a pod: {@code <basename>@<pod ip>}. */
    static String nodeName(String basename, String ip) {
        return basename + "@" + ip;
    }

    /** An IPv4 or IPv6 literal, parsed without any name lookup. */
    static InetAddress parseIp(String ip) {
        try {
            if (IPV4.matcher(ip).matches()) {
                final String[] parts = ip.split("\\.");
                final byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    final int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        throw new IllegalArgumentException("not an IP address: '" + ip + "'");
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes);
            }
            if (IPV6.matcher(ip).matches()) {
                // With a ':' InetAddress.getByName only parses the literal; it never resolves a name.
                return InetAddress.getByName(ip);
            }
        } catch (UnknownHostException e) {
            // An invalid literal: refused below.
        }
        throw new IllegalArgumentException("not an IP address: '" + ip + "'");
    }
}
