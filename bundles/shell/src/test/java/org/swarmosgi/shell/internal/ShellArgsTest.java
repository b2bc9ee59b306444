package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.SwarmRegistry;

class ShellArgsTest {

    @Test
    void namesAreOneTo1024Utf8BytesWithoutControlCharacters() {
        assertThat(ShellArgs.name("name", "visits")).isEqualTo("visits");
        assertThat(ShellArgs.name("name", "x".repeat(1024))).hasSize(1024);
        assertThat(ShellArgs.name("name", "zähler ✓")).isEqualTo("zähler ✓");

        assertThatThrownBy(() -> ShellArgs.name("name", "")).hasMessage("name must not be empty");
        assertThatThrownBy(() -> ShellArgs.name("worker type", null)).hasMessage("worker type must not be empty");
        assertThatThrownBy(() -> ShellArgs.name("name", "ab\u0007c"))
                .hasMessage("name must not contain control characters: U+0007 at position 3 of 'ab?c'");
        assertThatThrownBy(() -> ShellArgs.name("name", "line\n"))
                .hasMessageContaining("U+000A at position 5");
        assertThatThrownBy(() -> ShellArgs.name("name", "x".repeat(1025)))
                .hasMessage("name is 1025 bytes in UTF-8, more than 1024");
        assertThatThrownBy(() -> ShellArgs.name("name", "ä".repeat(513)))
                .hasMessage("name is 1026 bytes in UTF-8, more than 1024");
    }

    @Test
    void timeoutsAreWholeMillisecondsUpToTenMinutesDefaultingToTheRegistrysDefault() {
        assertThat(ShellArgs.timeoutMs(null)).isEqualTo(SwarmRegistry.DEFAULT_TIMEOUT);
        assertThat(ShellArgs.timeoutMs("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(ShellArgs.timeoutMs("600000")).isEqualTo(Duration.ofMinutes(10));

        assertThatThrownBy(() -> ShellArgs.timeoutMs("0")).hasMessage(
                "timeoutMs must be a whole number of milliseconds from 1 to 600000, was '0'");
        assertThatThrownBy(() -> ShellArgs.timeoutMs("600001")).hasMessageContaining("was '600001'");
        assertThatThrownBy(() -> ShellArgs.timeoutMs("-5")).hasMessageContaining("was '-5'");
        assertThatThrownBy(() -> ShellArgs.timeoutMs("99999999999999999999999")).hasMessageContaining("from 1 to");
        assertThatThrownBy(() -> ShellArgs.timeoutMs("abc"))
                .hasMessageContaining("was 'abc' (quote a message that has spaces: swarm:call name \"inc 5\")");
    }

    @Test
    void pagesStartAtOne() {
        assertThat(ShellArgs.page("1")).isEqualTo(1);
        assertThat(ShellArgs.page(" 3 ")).isEqualTo(3);
        assertThatThrownBy(() -> ShellArgs.page("0")).hasMessage("--page must be a whole number from 1, was '0'");
        assertThatThrownBy(() -> ShellArgs.page("two")).hasMessageContaining("was 'two'");
        assertThatThrownBy(() -> ShellArgs.page("99999999999")).hasMessageContaining("was '99999999999'");
    }

    @Test
    void messagesMayBeAnyTextButMustBeGiven() {
        assertThat(ShellArgs.message("")).isEmpty();
        assertThat(ShellArgs.message("inc 5")).isEqualTo("inc 5");
        assertThatThrownBy(() -> ShellArgs.message(null)).hasMessage("message must be given");
    }
}
