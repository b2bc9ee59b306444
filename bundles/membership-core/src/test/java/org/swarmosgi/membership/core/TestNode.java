package org.swarmosgi.membership.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.MembershipListener;

/**
 * Test-only node: runs one engine in its own JVM and prints what it sees, one line per event:
 * {@code READY <membership address>}, {@code UP <name> <incarnation>}, {@code DOWN <name> <incarnation> <reason>}.
 * Reads commands on stdin: {@code stats} prints {@code STATS <counter>=<n> ...}; {@code seeds a:1,b:2}
 * sets the unicast targets (so nodes can bind port 0 first and learn each other's ports); {@code leave}
 * closes the engine (sending LEAVE) and exits. Arguments are {@code key=value}.
 */
public final class TestNode {

    private TestNode() {
    }

    public static void main(String[] args) throws Exception {
        final Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            final int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final String cluster = a.get("cluster");
        // Time-ordered, as a real node's: a restart has a greater incarnation.
        final NodeId self = new NodeId(a.get("name"), a.containsKey("incarnation")
                ? Long.parseLong(a.get("incarnation")) : TestNetwork.incarnation());
        final byte[] key = hkdf(cluster, a.getOrDefault("secret", "secret"), "membership");
        final EngineConfig config = new EngineConfig(cluster, self,
                new Endpoint("127.0.0.1", Integer.parseInt(a.getOrDefault("transportPort", "7000"))), key,
                Timing.DEFAULTS);
        final int port = Integer.parseInt(a.get("port"));
        final Delivery delivery = "multicast".equals(a.get("mode"))
                ? new Delivery.Multicast(InetAddress.getByName("230.0.0.251"), port,
                        InetAddress.getLoopbackAddress(), 1)
                : new Delivery.Unicast(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        InetAddress.getLoopbackAddress(), true);
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final MembershipEngine engine = MembershipEngine.start(config, delivery, AdmissionFilter.ANY);
        if (a.containsKey("seeds")) {
            engine.setTargets(Settings.endpoints("seeds", a.get("seeds").split(",")));
        }
        engine.subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
                out.println("UP " + member.id().name() + " " + member.id().incarnation());
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                out.println("DOWN " + member.id().name() + " " + member.id().incarnation() + " " + reason);
            }
        });
        out.println("READY " + self.incarnation() + " " + engine.localAddress().getPort());
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("stats")) {
                final StringBuilder stats = new StringBuilder("STATS");
                for (Counter counter : Counter.values()) {
                    stats.append(' ').append(counter).append('=').append(engine.count(counter));
                }
                out.println(stats);
            } else if (line.startsWith("seeds ")) {
                engine.setTargets(Settings.endpoints("seeds", new String[] {line.substring(6)}));
            } else if (line.equals("leave")) {
                break;
            }
        }
        engine.close();
        out.println("CLOSED");
        System.exit(0);
    }

    /** HKDF-SHA256 (RFC 5869) as LocalNode documents it: salt = cluster name, ikm = secret, info = purpose. */
    static byte[] hkdf(String cluster, String secret, String purpose) throws GeneralSecurityException {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(cluster.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        final byte[] prk = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(purpose.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 1);
        return mac.doFinal(); // 32 bytes: one block is L
    }
}
