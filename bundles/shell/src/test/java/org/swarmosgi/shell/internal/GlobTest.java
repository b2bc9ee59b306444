package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starMatchesAnyRunAndQuestionMarkOneCharacter() {
        assertThat(Glob.of("*").matches("")).isTrue();
        assertThat(Glob.of("*").matches("anything at all")).isTrue();
        assertThat(Glob.of("counter-*").matches("counter-")).isTrue();
        assertThat(Glob.of("counter-*").matches("counter-42")).isTrue();
        assertThat(Glob.of("counter-*").matches("my-counter-42")).isFalse();
        assertThat(Glob.of("*-42").matches("counter-42")).isTrue();
        assertThat(Glob.of("*-42").matches("counter-420")).isFalse();
        assertThat(Glob.of("c?t").matches("cat")).isTrue();
        assertThat(Glob.of("c?t").matches("ct")).isFalse();
        assertThat(Glob.of("c?t").matches("cart")).isFalse();
        assertThat(Glob.of("a*b*c").matches("aXXbYYbZZc")).isTrue();
        assertThat(Glob.of("a*b*c").matches("aXXbYYbZZ")).isFalse();
        assertThat(Glob.of("**a**").matches("bab")).isTrue();
        assertThat(Glob.of("?*").matches("")).isFalse();
    }

    @Test
    void everyOtherCharacterIsLiteralNoRegularExpression() {
        assertThat(Glob.of("a.b").matches("a.b")).isTrue();
        assertThat(Glob.of("a.b").matches("axb")).isFalse();
        assertThat(Glob.of("[ab]+").matches("[ab]+")).isTrue();
        assertThat(Glob.of("[ab]+").matches("a")).isFalse();
        assertThat(Glob.of("(x|y)").matches("x")).isFalse();
        assertThat(Glob.of("Visits").matches("visits")).isFalse(); // case matters, as in names
    }

    @Test
    void aPathologicalPatternStaysFast() {
        final String text = "a".repeat(1024);
        final long start = System.nanoTime();
        assertThat(Glob.of("*a*a*a*a*a*a*a*a*a*a*b").matches(text)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Test
    void emptyOrControlCharacterGlobsAreRefused() {
        assertThatThrownBy(() -> Glob.of("")).hasMessageContaining("glob must not be empty");
        assertThatThrownBy(() -> Glob.of("a\tb")).hasMessage("glob must not contain control characters: 'a?b'");
        assertThat(Glob.all().isAll()).isTrue();
        assertThat(Glob.of("a*").isAll()).isFalse();
    }
}
