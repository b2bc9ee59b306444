package org.swarmosgi.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ContainerSettingsTest {

    /** A ContainerConfig as DS makes it: configured values over the annotation's defaults. */
    static ContainerConfig config(Map<String, Object> values) {
        return (ContainerConfig) Proxy.newProxyInstance(ContainerConfig.class.getClassLoader(),
            new Class<?>[] {ContainerConfig.class}, (proxy, method, args) -> {
                final String key = method.getName().replace('_', '.');
                return values.containsKey(key) ? values.get(key) : method.getDefaultValue();
            });
    }

    @Test
    void emptyConfigurationMeansTheDefaults() {
        assertThat(ContainerSettings.from(config(Map.of()))).isEqualTo(ContainerSettings.DEFAULTS);
        assertThat(ContainerSettings.DEFAULTS.poolThreads()).isEqualTo(2);
    }

    @Test
    void valuesAreTakenAsGiven() {
        assertThat(ContainerSettings.from(config(Map.of("pool.threads", 4, "mailbox.capacity", 50, "max.batch", 1))))
            .isEqualTo(new ContainerSettings(4, 50, 1));
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> ContainerSettings.from(config(Map.of("pool.threads", 0))))
            .hasMessage("org.swarmosgi.container: pool.threads must be 1..64, was 0");
        assertThatThrownBy(() -> ContainerSettings.from(config(Map.of("mailbox.capacity", -5))))
            .hasMessageStartingWith("org.swarmosgi.container: mailbox.capacity must be 1..");
        assertThatThrownBy(() -> ContainerSettings.from(config(Map.of("max.batch", 100_000))))
            .hasMessage("org.swarmosgi.container: max.batch must be 1..65536, was 100000");
    }
}
