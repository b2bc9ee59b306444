package org.swarmosgi.examples.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceTest {

    @Test
    void startArgumentsAreAnIntervalInBounds() {
        assertThat(Device.interval(null)).isEqualTo(Device.DEFAULT_INTERVAL_MS);
        assertThat(Device.interval(new byte[0])).isEqualTo(Device.DEFAULT_INTERVAL_MS);
        assertThat(Device.interval(Device.args(250))).isEqualTo(250);
        assertThatThrownBy(() -> Device.interval(Device.args(5))).hasMessageContaining("from 10 to 3600000, was '5'");
        assertThatThrownBy(() -> Device.interval("soon\n".getBytes())).hasMessageContaining("was 'soon'");
    }

    @Test
    void requiredRolesAreCommaSeparatedAndChecked() {
        assertThat(DeviceType.roles("")).isEmpty();
        assertThat(DeviceType.roles(" edge , gpu.v2,edge")).containsExactlyInAnyOrder("edge", "gpu.v2");
        assertThatThrownBy(() -> DeviceType.roles("edge,,gpu")).hasMessageContaining("was '' in 'edge,,gpu'");
        assertThatThrownBy(() -> DeviceType.roles("edge node")).hasMessageContaining("was 'edge node'");
    }
}
