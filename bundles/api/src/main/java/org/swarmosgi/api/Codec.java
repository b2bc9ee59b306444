package org.swarmosgi.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How a message type becomes bytes and back, for messages that cross nodes.
 *
 * <p>A worker type declares the codec of its messages ({@link WorkerType#codec()}). {@link #BYTES}
 * and {@link #UTF8} are built in; others are published as OSGi services of this type with a
 * {@value #CODEC_NAME} property. Implementations must treat their input as untrusted: a decode of
 * malformed bytes throws {@link IllegalArgumentException}, never anything worse. Plain Java
 * serialization is not an acceptable codec.
 *
 * @param <T> the message type
 */
@ConsumerType
public interface Codec<T> {

    /** Service property naming a codec published as a service. */
    String CODEC_NAME = "swarm.codec";

    /** The codec's name, as it appears in {@value #CODEC_NAME}. */
    String name();

    /** The message type, used to skip encoding for calls that stay on one node. */
    Class<T> type();

    /** Encodes a message; must not return null. */
    byte[] encode(T message);

    /**
     * Decodes bytes that may come from any peer.
     *
     * @throws IllegalArgumentException when the bytes are not a valid encoding
     */
    T decode(byte[] bytes);

    /** Raw bytes, passed through unchanged. */
    Codec<byte[]> BYTES = new Codec<>() {
        @Override public String name() { return "bytes"; }
        @Override public Class<byte[]> type() { return byte[].class; }
        @Override public byte[] encode(byte[] message) { return message; }
        @Override public byte[] decode(byte[] bytes) { return bytes; }
    };

    /**
     * Strings as UTF-8. Malformed input (bytes that are not UTF-8) fails with
     * {@link IllegalArgumentException}, as the contract requires; nothing is replaced silently.
     */
    Codec<String> UTF8 = new Codec<>() {
        @Override public String name() { return "utf8"; }
        @Override public Class<String> type() { return String.class; }
        @Override public byte[] encode(String message) { return message.getBytes(StandardCharsets.UTF_8); }
        @Override public String decode(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("not UTF-8: " + e.getMessage(), e);
            }
        }
    };
}
