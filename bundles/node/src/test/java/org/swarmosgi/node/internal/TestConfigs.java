package org.swarmosgi.node.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Makes a NodeConfig as DS would: configured values over the annotation's defaults. */
final class TestConfigs {
    private TestConfigs() {
    }

    static NodeConfig node(Map<String, String> values) {
        return (NodeConfig) Proxy.newProxyInstance(NodeConfig.class.getClassLoader(), new Class<?>[] {NodeConfig.class},
                (proxy, method, args) -> {
                    final String key = method.getName().replace('_', '.');
                    if (values.containsKey(key)) {
                        return values.get(key);
                    }
                    return method.getDefaultValue();
                });
    }
}
