package org.swarmosgi.transport.aeron.internal;

import java.util.function.Consumer;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import io.aeron.BufferBuilder;
import io.aeron.Image;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;

/**
 * Aeron's fragment reassembly with bounds, in place of {@link io.aeron.FragmentAssembler}, which keeps
 * one buffer per Aeron session for ever and grows it to whatever message a publisher sends (up to an
 * eighth of a term the publisher picks). Here a message longer than {@code maxMessage} is skipped (and
 * counted) as soon as its fragments pass the bound, and {@link #free} drops a session's buffer when
 * its image goes away: what strangers can make this node hold is at most {@code maxMessage} per live
 * image, and the driver's session limit bounds the images. Receive thread only.
 */
final class BoundedAssembler implements FragmentHandler {
    private final FragmentHandler delegate;
    private final int maxMessage;
    private final Consumer<Header> onOversize;
    // Keyed by the image's correlation id, not Aeron's session id: two sources may pick the same session id.
    private final Long2ObjectHashMap<BufferBuilder> builders = new Long2ObjectHashMap<>();

    BoundedAssembler(FragmentHandler delegate, int maxMessage, Consumer<Header> onOversize) {
        this.delegate = delegate;
        this.maxMessage = maxMessage;
        this.onOversize = onOversize;
    }

    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED) {
            delegate.onFragment(buffer, offset, length, header);
            return;
        }
        final long stream = ((Image) header.context()).correlationId();
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == FrameDescriptor.BEGIN_FRAG_FLAG) {
            if (length > maxMessage) {
                skip(stream, header);
                return;
            }
            BufferBuilder builder = builders.get(stream);
            if (builder == null) {
                builder = new BufferBuilder();
                builders.put(stream, builder);
            }
            builder.reset().append(buffer, offset, length).nextTermOffset(header.nextTermOffset());
            return;
        }
        final BufferBuilder builder = builders.get(stream);
        if (builder == null || builder.limit() == 0) {
            return; // the rest of a message we skipped or never saw begin
        }
        if (builder.nextTermOffset() != header.termOffset()) {
            builder.reset(); // a fragment went missing: never deliver a message with a hole
            return;
        }
        if (builder.limit() + length > maxMessage) {
            skip(stream, header);
            return;
        }
        builder.append(buffer, offset, length);
        if ((flags & FrameDescriptor.END_FRAG_FLAG) == FrameDescriptor.END_FRAG_FLAG) {
            final int limit = builder.limit();
            builder.reset();
            // The last fragment's header: the handler uses only its image and session, the same for all.
            delegate.onFragment(builder.buffer(), 0, limit, header);
        } else {
            builder.nextTermOffset(header.nextTermOffset());
        }
    }

    private void skip(long stream, Header header) {
        builders.remove(stream); // the oversized buffer goes too, not only its contents
        onOversize.accept(header);
    }

    /** The image went away: its buffer goes with it. */
    void free(Image image) {
        builders.remove(image.correlationId());
    }

    /** Sessions holding a buffer. */
    int sessions() {
        return builders.size();
    }

    /** Bytes of buffer capacity held for all sessions. */
    long heldBytes() {
        long sum = 0;
        for (BufferBuilder b : builders.values()) {
            sum += b.capacity();
        }
        return sum;
    }
}
