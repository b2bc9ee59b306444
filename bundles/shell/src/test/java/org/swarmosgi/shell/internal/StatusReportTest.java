package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.ring.HashRing;

class StatusReportTest {

    private static final NodeId ALPHA = new NodeId("alpha", 0x1a2bL);
    private static final StatusReport.Node NODE =
            new StatusReport.Node(ALPHA, "blue", "multicast", "127.0.0.1", "127.0.0.1", false);

    @Test
    void aLoneNodeWithoutMembershipOrTransportOwnsTheWholeRing() {
        final String text = StatusReport.format(NODE, null, null);

        assertThat(text).startsWith("Swarm node alpha (incarnation 1a2b)\n");
        assertThat(text).contains("  cluster      blue\n", "  autocluster  multicast\n",
                "  bind         127.0.0.1\n", "  advertise    127.0.0.1\n",
                "  transport    not running\n", "  membership   not running: the ring is this node alone\n",
                "Ring: 1 member, " + HashRing.DEFAULT_VIRTUAL_NODES + " virtual nodes each\n");
        assertThat(text).doesNotContain("WARNING");
        assertThat(rows(text)).containsExactly(
                "  MEMBER  INCARNATION  ENDPOINT   SHARE",
                "  alpha   1a2b         -         100.0%  (this node)");
    }

    @Test
    void membersAreListedByNameWithTheirShareOfTheHashSpace() {
        final Endpoint self = new Endpoint("127.0.0.1", 40001);
        final List<Member> members = List.of(
                new Member(new NodeId("gamma", 0xcL), new Endpoint("127.0.0.3", 40003)),
                new Member(ALPHA, self),
                new Member(new NodeId("beta", 0xbL), new Endpoint("127.0.0.2", 40002)));

        final String text = StatusReport.format(NODE, self, members);

        assertThat(text).contains("  transport    127.0.0.1:40001\n", "  membership   3 members\n",
                "Ring: 3 members, ");
        final HashRing ring = HashRing.of(List.of("alpha", "beta", "gamma"));
        assertThat(rows(text)).containsExactly(
                "  MEMBER  INCARNATION  ENDPOINT         SHARE",
                "  alpha   1a2b         127.0.0.1:40001  " + percent(ring, "alpha") + "  (this node)",
                "  beta    b            127.0.0.2:40002  " + percent(ring, "beta"),
                "  gamma   c            127.0.0.3:40003  " + percent(ring, "gamma"));
        final double total = rows(text).stream().skip(1)
                .mapToDouble(r -> Double.parseDouble(r.substring(r.indexOf("40") + 6).trim().split("%")[0]))
                .sum();
        assertThat(total).isBetween(99.8, 100.2);
    }

    @Test
    void thisNodeIsInTheRingEvenWhenMembershipDoesNotListItYet() {
        final String text = StatusReport.format(NODE, new Endpoint("127.0.0.1", 40001),
                List.of(new Member(new NodeId("beta", 0xbL), new Endpoint("127.0.0.2", 40002))));

        assertThat(text).contains("Ring: 2 members, ");
        assertThat(rows(text)).anyMatch(r -> r.startsWith("  alpha ") && r.endsWith("(this node)"));
    }

    @Test
    void theDefaultSecretIsWarnedAbout() {
        final StatusReport.Node insecure =
                new StatusReport.Node(ALPHA, "swarm", "none", "0.0.0.0", "192.0.2.7", true);

        final String text = StatusReport.format(insecure, null, null);

        assertThat(text).contains("  bind         0.0.0.0\n", "  advertise    192.0.2.7\n",
                "WARNING: the built-in development cluster secret is in use");
    }

    @Test
    void withoutARegistryTheStatusSaysTheRingComesFromMembership() {
        assertThat(StatusReport.format(NODE, null, null)).contains("  registry     not running\n");
        assertThat(StatusReport.format(NODE, null, List.of(new Member(ALPHA, new Endpoint("127.0.0.1", 1)))))
                .contains("  registry     not running: the ring is built from membership\n");
    }

    @Test
    void aRunningRegistrysTopologyIsTheRingNotMembership() {
        final Member self = new Member(ALPHA, new Endpoint("127.0.0.1", 40001));
        final Member beta = new Member(new NodeId("beta", 0xbL), new Endpoint("127.0.0.2", 40002));
        // Membership already sees gamma; the registry has not placed names on it yet.
        final List<Member> membership = List.of(self, beta,
                new Member(new NodeId("gamma", 0xcL), new Endpoint("127.0.0.3", 40003)));
        final StatusReport.Topology topology = new StatusReport.Topology(self, List.of(self, beta), true, true);

        final String text = StatusReport.format(NODE, self.endpoint(), membership, topology);

        assertThat(text).contains("  membership   3 members\n",
                "  registry     running, ready: the ring is the registry's\n", "Ring: 2 members, ");
        final HashRing ring = HashRing.of(List.of("alpha", "beta"));
        assertThat(rows(text)).containsExactly(
                "  MEMBER  INCARNATION  ENDPOINT         SHARE",
                "  alpha   1a2b         127.0.0.1:40001  " + percent(ring, "alpha") + "  (this node)",
                "  beta    b            127.0.0.2:40002  " + percent(ring, "beta"));
    }

    @Test
    void theRegistrysSelfIsInItsRingAndItsStateIsShown() {
        final Member self = new Member(ALPHA, new Endpoint("127.0.0.1", 40001));

        final String syncing = StatusReport.format(NODE, null, null,
                new StatusReport.Topology(self, List.of(), false, true));
        assertThat(syncing).contains("  membership   not running\n",
                "  registry     running, syncing: lookups may miss names for now\n", "Ring: 1 member, ");
        assertThat(rows(syncing)).containsExactly(
                "  MEMBER  INCARNATION  ENDPOINT          SHARE",
                "  alpha   1a2b         127.0.0.1:40001  100.0%  (this node)");

        assertThat(StatusReport.format(NODE, null, null, new StatusReport.Topology(self, List.of(self), true, false)))
                .contains("  registry     running, NO QUORUM: registrations are refused\n");
    }

    @Test
    void everyLineFitsEightyColumns() {
        final Member self = new Member(ALPHA, new Endpoint("127.0.0.1", 40001));
        final String text = StatusReport.format(
                new StatusReport.Node(ALPHA, "blue", "multicast", "127.0.0.1", "127.0.0.1", true),
                self.endpoint(), List.of(self), new StatusReport.Topology(self, List.of(self), true, false));
        assertThat(text.split("\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    private static String percent(HashRing ring, String member) {
        // Shares of 3 members are all below 100%: 5 characters, as wide as the SHARE heading.
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * ring.share(member));
    }

    private static List<String> rows(String text) {
        final List<String> lines = Arrays.asList(text.split("\n"));
        return lines.subList(lines.indexOf(lines.stream().filter(l -> l.startsWith("Ring: ")).findFirst().orElseThrow()) + 1,
                lines.size());
    }

    @Test
    void longMemberNamesAreCutSoThatEveryRowFits80Columns() {
        final NodeId self = new NodeId("itest-registry-in-container", 0x1a22d18d2b3e80aL);
        final Endpoint endpoint = new Endpoint("127.0.0.1", 44979);
        final String text = StatusReport.format(new StatusReport.Node(self, "blue", "none", "127.0.0.1", "127.0.0.1", false),
                endpoint, List.of(new Member(self, endpoint)));
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        assertThat(text).contains("  itest-registry-in-co...  1a22d18d2b3e80a  127.0.0.1:44979  100.0%  (this node)");
    }
}
