package org.swarmosgi.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesEveryCharacterThatCouldLeaveAQuotedAttribute() {
        assertThat(Html.attribute("/system/console/swarm")).isEqualTo("/system/console/swarm");
        assertThat(Html.attribute("a'b\"c<d>e&f")).isEqualTo("a&#39;b&quot;c&lt;d&gt;e&amp;f");
    }
}
