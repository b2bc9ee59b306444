package org.swarmosgi.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DirectoryScanTest {

    private final DirectoryScan scan = new DirectoryScan();

    private DirectoryScan.Result scan(Map<String, DirectoryScan.Stamp> files) {
        return scan.scan(files);
    }

    @Test
    void aFileCountsOnceItStoppedChanging() {
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(100, 1))).complete()).isEmpty(); // first seen
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(200, 2))).complete()).isEmpty(); // still growing
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(200, 2))).complete()).containsExactly("a.jar");
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(200, 2))).complete()).isEmpty(); // reported once
        // replaced by a newer file: reported again once stable
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(300, 3))).complete()).isEmpty();
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(300, 3))).complete()).containsExactly("a.jar");
    }

    @Test
    void anEmptyFileIsNotComplete() {
        scan(Map.of("a.jar", new DirectoryScan.Stamp(0, 1)));
        assertThat(scan(Map.of("a.jar", new DirectoryScan.Stamp(0, 1))).complete()).isEmpty();
    }

    @Test
    void aReportedFileThatGoesIsReportedGoneAndAnUnreportedOneIsNot() {
        scan(Map.of("a.jar", new DirectoryScan.Stamp(1, 1), "b.jar", new DirectoryScan.Stamp(1, 1)));
        scan(Map.of("a.jar", new DirectoryScan.Stamp(1, 1), "b.jar", new DirectoryScan.Stamp(2, 2)));
        final DirectoryScan.Result r = scan(Map.of());
        assertThat(r.gone()).isEqualTo(List.of("a.jar"));
        assertThat(scan(Map.of()).gone()).isEmpty();
    }

    @Test
    void onlyJarsThatAreNotHiddenAreCandidates() {
        assertThat(DirectoryScan.candidate("device.jar")).isTrue();
        assertThat(DirectoryScan.candidate(".device.jar")).isFalse();
        assertThat(DirectoryScan.candidate("device.jar.part")).isFalse();
        assertThat(DirectoryScan.candidate("README.txt")).isFalse();
    }
}
