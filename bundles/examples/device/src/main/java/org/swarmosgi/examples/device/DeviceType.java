package org.swarmosgi.examples.device;

import java.time.Duration;

import org.osgi.service.component.annotations.Component;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerType;

/**
 * The {@code device} worker type: UTF-8 text messages and replies; start arguments an optional tick
 * interval in ms (default {@value Device#DEFAULT_INTERVAL_MS}).
 */
@Component(service = WorkerType.class, property = WorkerType.WORKER_TYPE + "=" + DeviceType.NAME)
public final class DeviceType implements WorkerType<String, String> {

    public static final String NAME = "device";

    @Override
    public Codec<String> codec() {
        return Codec.UTF8;
    }

    @Override
    public Codec<String> replyCodec() {
        return Codec.UTF8;
    }

    @Override
    public Worker<String, String> create(WorkerContext<String> context) {
        return new Device(Device.interval(context.args()));
    }

    @Override
    public Duration handoffTimeout() {
        return Duration.ofSeconds(2);
    }
}
