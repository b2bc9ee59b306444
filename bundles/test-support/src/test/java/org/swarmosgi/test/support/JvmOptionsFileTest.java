package org.swarmosgi.test.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmOptionsFileTest {

    @Test
    void oneOptionALineWithoutCommentsAndBlanks() {
        final String text = "# a comment\n\n-XX:Tier4InvocationThreshold=500000\n  -Dx=1   # why\n\t-Dy=2\n#-Dz=3\n-Dlast";
        assertThat(JvmOptionsFile.parse(text)).containsExactly("-XX:Tier4InvocationThreshold=500000", "-Dx=1", "-Dy=2", "-Dlast");
    }

    @Test
    void anEmptyFileHasNoOptions() {
        assertThat(JvmOptionsFile.parse("")).isEmpty();
        assertThat(JvmOptionsFile.parse("# only a comment\n   \n")).isEmpty();
    }
}
