package org.swarmosgi.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class DeploymentSettingsTest {

    private static DeploymentSettings with(int chunk, long max, List<String> schemes) {
        return new DeploymentSettings("deploy", 1000, "", chunk, max, schemes, 10_000, 2_000, 5_000, 1024, 120_000);
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() {
        assertThat(with(65_536, 1 << 20, List.of("file")).chunkSize()).isEqualTo(65_536);
        assertThatThrownBy(() -> with(10, 1 << 20, List.of("file"))).hasMessage("chunk.size must be 1024..4194304, was 10");
        assertThatThrownBy(() -> with(65_536, 1L << 40, List.of("file")))
                .hasMessage("max.bundle.size must be 1024..1073741824, was 1099511627776");
        assertThatThrownBy(() -> with(65_536, 1 << 20, List.of("fi le")))
                .hasMessage("allowed.schemes: 'fi le' is not a URL scheme");
    }
}
