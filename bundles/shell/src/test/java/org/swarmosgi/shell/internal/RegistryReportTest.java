package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;

class RegistryReportTest {

    private static final NodeId ALPHA = new NodeId("alpha", 0x1a2bL);
    private static final NodeId BETA = new NodeId("beta", 0xbL);

    @Test
    void namesAreSortedWithTheirWorkersAndATotal() {
        final Map<String, WorkerRef> names = Map.of(
                "visits", new WorkerRef(ALPHA, 3),
                "clicks", new WorkerRef(BETA, 12),
                "a", new WorkerRef(ALPHA, 1));

        assertThat(lines(RegistryReport.registered(names, Glob.all(), 1))).containsExactly(
                "  NAME    WORKER",
                "  a       <alpha#1a2b.1>",
                "  clicks  <beta#b.12>",
                "  visits  <alpha#1a2b.3>",
                "3 names");
    }

    @Test
    void aGlobFiltersAndTheTotalSaysOfHowMany() {
        final Map<String, WorkerRef> names = Map.of(
                "counter-1", new WorkerRef(ALPHA, 1),
                "counter-2", new WorkerRef(BETA, 2),
                "other", new WorkerRef(ALPHA, 3));

        assertThat(lines(RegistryReport.registered(names, Glob.of("counter-?"), 1))).containsExactly(
                "  NAME       WORKER",
                "  counter-1  <alpha#1a2b.1>",
                "  counter-2  <beta#b.2>",
                "2 of 3 names match 'counter-?'");
        assertThat(RegistryReport.registered(names, Glob.of("o*"), 1)).endsWith("\n1 of 3 names match 'o*'");
        assertThat(RegistryReport.registered(names, Glob.of("x*"), 1)).isEqualTo("no names match 'x*' (3 names registered)");
        assertThat(RegistryReport.registered(Map.of(), Glob.all(), 1)).isEqualTo("no names registered");
    }

    @Test
    void fiftyNamesAPage() {
        final Map<String, WorkerRef> names = new HashMap<>();
        for (int i = 0; i < 120; i++) {
            names.put(String.format("n%03d", i), new WorkerRef(ALPHA, i));
        }

        final List<String> first = lines(RegistryReport.registered(names, Glob.all(), 1));
        assertThat(first).hasSize(1 + 50 + 1);
        assertThat(first.get(1)).startsWith("  n000 ");
        assertThat(first.get(50)).startsWith("  n049 ");
        assertThat(first.get(51)).isEqualTo("120 names; page 1 of 3, next: --page 2");

        final List<String> last = lines(RegistryReport.registered(names, Glob.all(), 3));
        assertThat(last).hasSize(1 + 20 + 1);
        assertThat(last.get(1)).startsWith("  n100 ");
        assertThat(last.get(21)).isEqualTo("120 names; page 3 of 3");

        assertThat(lines(RegistryReport.registered(names, Glob.of("n0*"), 2)))
                .last().isEqualTo("100 of 120 names match 'n0*'; page 2 of 2");
        assertThatThrownBy(() -> RegistryReport.registered(names, Glob.all(), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("page 4 is past the last page, 3 (120 names, 50 a page)");
    }

    @Test
    void everyLineFitsEightyColumns() {
        final NodeId longNode = new NodeId("node-" + "x".repeat(100), Long.MAX_VALUE);
        final Map<String, WorkerRef> names = Map.of(
                "n".repeat(1024), new WorkerRef(ALPHA, 1),
                "short", new WorkerRef(longNode, 2),
                "bell\u0007name", new WorkerRef(ALPHA, 3));

        final String text = RegistryReport.registered(names, Glob.of("*" + "n".repeat(200) + "*"), 1);
        assertThat(lines(text)).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));

        final List<String> all = lines(RegistryReport.registered(names, Glob.all(), 1));
        assertThat(all).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        // The refs keep their width and long names are cut: here the long node's ref leaves the
        // name column its minimum, 20, and that row is itself cut at 80 columns.
        assertThat(all).anySatisfy(l -> assertThat(l).startsWith("  nnnnnnnnnnnnnnnnn...  <alpha#1a2b.1>"));
        assertThat(all).anySatisfy(l -> assertThat(l).startsWith("  short                 <node-xxx").endsWith("..."));
        assertThat(all).anySatisfy(l -> assertThat(l).startsWith("  bell?name "));
        assertThat(String.join("\n", all)).doesNotContain("\u0007");
    }

    @Test
    void errorsAreOneLineWithTheCausesTypeAndMessage() {
        final Exception nested = new CompletionException(new ExecutionException(
                new WorkerFailedException("unknown command 'x'\n  try inc")));

        assertThat(RegistryReport.failure("call visits", nested))
                .isEqualTo("cannot call visits: WorkerFailedException: unknown command 'x'?  try inc");
        assertThat(RegistryReport.failure("call visits", new SwarmTimeoutException("no reply in 5000 ms")))
                .isEqualTo("cannot call visits: SwarmTimeoutException: no reply in 5000 ms");
        assertThat(RegistryReport.failure("send", new IllegalStateException()))
                .isEqualTo("cannot send: IllegalStateException");
        assertThat(RegistryReport.failure("send", new CompletionException(null)))
                .isEqualTo("cannot send: CompletionException");
        assertThat(RegistryReport.failure("x", new RuntimeException("m".repeat(1000))))
                .hasSize(RegistryReport.MAX_ERROR).endsWith("...");
        assertThat(RegistryReport.refused("register", "name must not be empty"))
                .isEqualTo("cannot register: name must not be empty");
    }

    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n"));
    }
}
