package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void fitCutsWithAnEllipsisOnlyWhenNeeded() {
        assertThat(Text.fit("short", 80)).isEqualTo("short");
        assertThat(Text.fit("x".repeat(80), 80)).hasSize(80).doesNotContain("...");
        assertThat(Text.fit("x".repeat(81), 80)).hasSize(80).endsWith("x...");
        assertThat(Text.fit("abcdef", 4)).isEqualTo("a...");
        assertThatThrownBy(() -> Text.fit("abc", 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fitNeverSplitsASurrogatePair() {
        final String text = "abc\uD83D\uDE00def"; // an emoji at chars 3-4
        assertThat(Text.fit(text, 7)).isEqualTo("abc...");
    }

    @Test
    void printableShowsControlCharactersAsQuestionMarksOnOneLine() {
        assertThat(Text.printable("a\nb\u0007c\u007f")).isEqualTo("a?b?c?");
        assertThat(Text.printable("grüße")).isEqualTo("grüße");
    }

    @Test
    void columnPadsOrCuts() {
        assertThat(Text.column("ab", 5)).isEqualTo("ab   ");
        assertThat(Text.column("abcdefgh", 5)).isEqualTo("ab...");
    }
}
