package org.swarmosgi.membership.kubernetes.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A {@link KubernetesConfig} from a map of keys, the way DS builds it: a key is the method name
 * with {@code __} read as {@code _}; a missing key gives the method's default.
 */
final class TestConfig {

    static KubernetesConfig of(Map<String, ?> values) {
        return (KubernetesConfig) Proxy.newProxyInstance(KubernetesConfig.class.getClassLoader(),
                new Class<?>[] {KubernetesConfig.class}, (proxy, method, args) -> {
                    final String key = method.getName().replace("__", "_");
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "config " + values : null;
                    }
                    final Object value = values.get(key);
                    return value != null ? value : method.getDefaultValue();
                });
    }

    private TestConfig() {
    }
}
