package org.swarmosgi.test.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * A multicast group port the kernel picked, held by this JVM for as long as it is open: node
 * processes join the group on it with SO_REUSEADDR (as the membership engine does), while no
 * process without SO_REUSEADDR can take the port. Nothing is probed free and released.
 */
public final class HeldPort implements AutoCloseable {

    private final DatagramChannel channel;
    private final int port;

    private HeldPort(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Binds a fresh port of {@code group} (e.g. {@code 230.0.0.251}) with SO_REUSEADDR. */
    public static HeldPort multicast(String group) {
        try {
            final DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(InetAddress.getByName(group), 0));
                return new HeldPort(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The holding channel, for a test that also sends or receives on the group. */
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
