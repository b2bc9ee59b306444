package org.swarmosgi.codec.json;

import java.io.IOException;
import java.util.Objects;

import org.swarmosgi.api.Codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Messages, replies and state as UTF-8 JSON: records and plain objects (public fields or getters and
 * setters), through Jackson.
 *
 * <p>Bytes from the network are untrusted, so decoding is bounded and never polymorphic: no default
 * typing (a {@code "@class"} property can never choose a class), documents of at most
 * {@value #MAX_DOCUMENT_BYTES} bytes, nesting at most {@value #MAX_NESTING} deep, numbers of at most
 * {@value #MAX_NUMBER_CHARS} digits, trailing content refused. Unknown properties are ignored, so a
 * newer version of a worker bundle can add fields during a rolling upgrade. Anything malformed fails
 * with {@link IllegalArgumentException}, as the {@link Codec} contract requires.
 *
 * <pre>{@code
 * record Deposit(String account, long cents) { }
 * Codec<Deposit> codec = JsonCodec.of(Deposit.class);
 * }</pre>
 *
 * @param <T> the message type
 */
public final class JsonCodec<T> implements Codec<T> {
    /** The largest document decoded. */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
    /** The deepest nesting of arrays and objects decoded. */
    public static final int MAX_NESTING = 64;
    /** The longest number decoded, in characters. */
    public static final int MAX_NUMBER_CHARS = 100;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_DOCUMENT_BYTES)
                .maxNestingDepth(MAX_NESTING)
                .maxNumberLength(MAX_NUMBER_CHARS)
                .maxStringLength(MAX_DOCUMENT_BYTES)
                .build())
            .build())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonCodec(Class<T> type) {
        this.type = type;
        this.reader = MAPPER.readerFor(type);
        this.writer = MAPPER.writerFor(type);
    }

    /** The codec of {@code type}. Thread-safe; keep one per type. */
    public static <T> JsonCodec<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(type);
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] encode(T message) {
        Objects.requireNonNull(message, "message");
        try {
            return writer.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON codec: cannot write a " + type.getName() + ": "
                + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            final T value = reader.readValue(bytes);
            if (value == null) {
                throw new IllegalArgumentException("JSON codec: null is not a " + type.getName());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON codec: not a " + type.getName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("JSON codec: cannot read a " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonCodec[" + type.getName() + "]";
    }
}
