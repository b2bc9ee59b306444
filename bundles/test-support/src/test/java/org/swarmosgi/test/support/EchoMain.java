package org.swarmosgi.test.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * A child for the tests: binds a UDP port (port 0) and reports it, then answers stdin lines.
 * {@code echo X} prints {@code g! X} (a Gogo prompt, then the echoed text); {@code exit} exits 3;
 * {@code err X} prints X on stderr; anything else is printed back as {@code ANSWER <line>}. Its
 * shutdown hook (run on SIGTERM, never on SIGKILL) prints {@code HOOK} on stderr.
 */
public final class EchoMain {

    private EchoMain() {
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("HOOK")));
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            System.out.println("READY port=" + socket.getLocalPort() + " prop=" + System.getProperty("echo.prop"));
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("exit")) {
                    System.exit(3);
                } else if (line.startsWith("echo ")) {
                    System.out.println("g! " + line.substring(5));
                } else if (line.startsWith("err ")) {
                    System.err.println(line.substring(4));
                } else {
                    System.out.println("ANSWER " + line);
                }
            }
        }
    }
}
