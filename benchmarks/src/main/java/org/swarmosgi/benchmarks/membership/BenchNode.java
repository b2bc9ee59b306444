package org.swarmosgi.benchmarks.membership;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.membership.core.AdmissionFilter;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.membership.core.Timing;

/**
 * One benchmark node in its own JVM: a membership engine at default timing on loopback, printing
 * {@code UP <name> <nanoTime>} and {@code DOWN <name> <reason> <nanoTime>} (System.nanoTime is
 * CLOCK_MONOTONIC on Linux, the same clock in every process of the machine, so the driver can
 * subtract its own readings), after {@code READY <membership port>}. Reads {@code seeds host:port,...}
 * on stdin (unicast: the driver learns the ports as nodes bind port 0). Exits when stdin closes.
 * Arguments: name cluster mode(multicast|unicast) port [seeds host:port,...]
 */
public final class BenchNode {

    private BenchNode() {
    }

    public static void main(String[] args) throws Exception {
        final String name = args[0];
        final String cluster = args[1];
        final boolean multicast = args[2].equals("multicast");
        final int port = Integer.parseInt(args[3]);
        // Time-ordered like NodeIdentity's (start ms, shifted, 16 random bits): a restart must be newer.
        final long incarnation = System.currentTimeMillis() << 16 | ThreadLocalRandom.current().nextInt(1 << 16);
        final EngineConfig config = new EngineConfig(cluster, new NodeId(name, incarnation),
                new Endpoint("127.0.0.1", 7000), membershipKey(cluster, "benchmark-secret"), Timing.DEFAULTS);
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        final Delivery delivery = multicast
                ? new Delivery.Multicast(InetAddress.getByName("230.0.0.251"), port, loopback, 1)
                : new Delivery.Unicast(new InetSocketAddress(loopback, port), loopback, true);
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (MembershipEngine engine = MembershipEngine.start(config, delivery, AdmissionFilter.ANY)) {
            if (!multicast && args.length > 4) {
                engine.setTargets(seeds(args[4]));
            }
            engine.subscribe(new MembershipListener() {
                @Override
                public void memberUp(Member member) {
                    out.println("UP " + member.id().name() + " " + System.nanoTime());
                }

                @Override
                public void memberDown(Member member, DownReason reason) {
                    out.println("DOWN " + member.id().name() + " " + reason + " " + System.nanoTime());
                }
            });
            out.println("READY " + engine.localAddress().getPort());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            // runs until the driver closes stdin or kills it
            for (String line; (line = in.readLine()) != null; ) {
                if (!multicast && line.startsWith("seeds ")) {
                    engine.setTargets(seeds(line.substring(6)));
                }
            }
        }
    }

    private static List<InetSocketAddress> seeds(String list) {
        final List<InetSocketAddress> seeds = new ArrayList<>();
        for (String seed : list.split(",")) {
            final Endpoint endpoint = Endpoint.parse(seed);
            seeds.add(new InetSocketAddress(endpoint.host(), endpoint.port()));
        }
        return seeds;
    }

    /** HKDF-SHA256 as LocalNode documents it: salt = cluster name, ikm = secret, info = "membership". */
    static byte[] membershipKey(String cluster, String secret) throws GeneralSecurityException {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(cluster.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        final byte[] prk = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update("membership".getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 1);
        return mac.doFinal();
    }
}
