package org.swarmosgi.container.internal;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.WorkerRef;

/**
 * The smallest registry a worker can use on one host: {@code call} and {@code send} by ref, as local
 * envelopes straight into the host. Everything else is unsupported.
 */
final class TestRegistry {
    private TestRegistry() {
    }

    static SwarmRegistry routingTo(LocalWorkerHost host) {
        return (SwarmRegistry) Proxy.newProxyInstance(SwarmRegistry.class.getClassLoader(),
            new Class<?>[] {SwarmRegistry.class}, (proxy, method, args) -> {
                if (method.getName().equals("call") && args.length == 5 && args[0] instanceof WorkerRef ref) {
                    final TestEnvelope envelope = TestEnvelope.callLocal(args[1]);
                    try {
                        host.deliver(ref, envelope);
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return envelope.result;
                }
                if (method.getName().equals("send") && args.length == 3 && args[0] instanceof WorkerRef ref) {
                    try {
                        host.deliver(ref, TestEnvelope.castLocal(args[1]));
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return CompletableFuture.completedFuture(null);
                }
                if (method.getName().equals("toString")) {
                    return "TestRegistry";
                }
                throw new UnsupportedOperationException(method.toString());
            });
    }
}
