package org.swarmosgi.registry.internal;

import java.lang.reflect.Proxy;

/** The configuration a node has with none at all, every attribute at its default: for nodes built outside OSGi. */
final class DefaultConfig {
    private DefaultConfig() {
    }

    static RegistryConfig registry() {
        return (RegistryConfig) Proxy.newProxyInstance(RegistryConfig.class.getClassLoader(),
            new Class<?>[] {RegistryConfig.class}, (proxy, method, args) -> {
                final Object d = method.getDefaultValue();
                if (d != null) {
                    return d;
                }
                return switch (method.getName()) {
                    case "annotationType" -> RegistryConfig.class;
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    default -> "RegistryConfig(defaults)";
                };
            });
    }
}
