package org.swarmosgi.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.swarmosgi.test.support.DistributionCluster;
import org.swarmosgi.test.support.DistributionNode;

/**
 * The Web Console's Swarm page in a real headless browser: Debian's Chromium, driven through Debian's
 * chromedriver over WebDriver (Selenium's client; .ci/run installs both packages when missing, nothing is
 * downloaded at run time). Three nodes from the built distribution, the first serving HTTP; the page,
 * behind the console's login, lists all three with their ring shares, one of them named with markup that
 * must stay text, and the workers each runs; after kill -9 of another, the same page (no reload: it
 * polls) shows it down, its counters' moves to the others among the recent events, and all counted again.
 */
public class WebConsoleIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "itest", "WebConsoleIT");
    private static final String SECRET = "itest-webconsole-secret-01234567";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** A node name is any text without control characters, and it comes from the network: the page must show it as text. */
    private static final String HOSTILE = "wc<img src=x onerror=window.swarmXss=1>";
    private static final int COUNTERS = 30;
    private static final String WORKERS = "var n = 0; document.querySelectorAll('#swarm-nodes tbody tr[data-state=\"up\"]')"
            + ".forEach(function (tr) { n += Number(tr.cells[5].textContent); }); return n;";
    private static final String ROWS = "var out = {}; document.querySelectorAll('#swarm-nodes tbody tr[data-node]')"
            + ".forEach(function (tr) { out[tr.getAttribute('data-node')] = tr.getAttribute('data-state'); }); return out;";

    private DistributionCluster processes;
    private ChromeDriver browser;
    private Path profile;

    @After
    public void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (processes != null) {
            processes.close(); // keeps each node's log and shell output beside its work folder
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private DistributionNode start(String name, String... flags) {
        final List<String> all = new ArrayList<>(List.of("--secret", SECRET));
        all.addAll(List.of(flags));
        return processes.start(name, all.toArray(new String[0]));
    }

    @Test
    public void thePageShowsEveryNodeBehindTheLogin_andANodeKilledWithMinus9GoesDownOnItWithoutReload() throws Exception {
        assertTrue("Chromium and its driver are needed (apt-get install chromium chromium-driver; .ci/run does)",
                new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute());
        final long begin = System.nanoTime();
        final int port = DistributionCluster.freeLoopbackPort();
        processes = new DistributionCluster(SwarmContainer.distribution(), WORK);
        final DistributionNode first = start("wc1", "--http-port", Integer.toString(port), "--roles", "edge,gpu");
        final DistributionNode victim = start("wc2");
        final DistributionNode hostile = start(HOSTILE);
        for (DistributionNode node : List.of(first, victim, hostile)) {
            node.execute("swarm:status", START);
        }
        await("ring of 3 on wc1").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> first.execute("swarm:status", CONVERGE).contains("Ring: 3 members,"));
        // Enough counters that some surely run on wc2 (each lands there with chance 1/3: all miss it 1 in 200,000).
        final List<String> registers = new ArrayList<>();
        for (int i = 0; i < COUNTERS; i++) {
            registers.add("swarm:register wc-counter-" + i + " counter " + i);
        }
        for (String answer : first.executeAll(registers, Duration.ofMinutes(1))) {
            assertTrue(answer, answer.contains("registered wc-counter-"));
        }

        // The console's login guards the page and its data.
        final String page = "http://127.0.0.1:" + port + "/system/console/swarm";
        assertEquals(401, get(page + "/state.json", null));
        assertEquals(200, get(page + "/state.json", "admin:admin"));

        browser = chromium();
        browser.get("http://admin:admin@127.0.0.1:" + port + "/system/console/swarm");
        final JavascriptExecutor js = browser;
        await("every node up on the page").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(status(js), Map.of("wc1", "up", "wc2", "up", HOSTILE, "up"),
                        js.executeScript(ROWS)));
        await("the ring drawn with three shares").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript(
                        "return document.querySelectorAll('#swarm-ring path[data-node]').length;")).intValue() == 3);
        await("every counter counted on the nodes that run them").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript(WORKERS)).intValue() == COUNTERS);
        // The hostile name is text: shown as typed, no element made of it, its handler never ran.
        final String nodesText = (String) js.executeScript("return document.getElementById('swarm-nodes').innerText;");
        assertTrue(nodesText, nodesText.contains(HOSTILE));
        // wc1's roles, as the registry has them.
        await("wc1's roles on the page").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> "edge, gpu".equals(js.executeScript(
                        "return document.querySelector('#swarm-nodes tbody tr[data-node=\"wc1\"]').cells[6].textContent;")));
        assertEquals(0L, js.executeScript("return document.querySelectorAll('#swarm img').length;"));
        assertEquals(Boolean.TRUE, js.executeScript("return window.swarmXss === undefined;"));
        System.out.printf("WebConsoleIT: 3 nodes on the page %d ms after the first node started%n",
                (System.nanoTime() - begin) / 1_000_000);

        victim.process().kill();
        final long killed = System.nanoTime();
        await("wc2 shown down on the open page").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(status(js), Map.of("wc1", "up", "wc2", "down", HOSTILE, "up"),
                        js.executeScript(ROWS)));
        System.out.printf("WebConsoleIT: wc2 shown down %d ms after kill -9%n", (System.nanoTime() - killed) / 1_000_000);
        await("the down event listed").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript("return Array.prototype.filter.call("
                        + "document.querySelectorAll('#swarm-events tbody tr[data-kind=\"down\"]'),"
                        + " function (tr) { return tr.cells[2].textContent === 'wc2'; }).length;")).intValue() >= 1);
        // wc2's counters start again on the others: the events name each move from wc2, and they are all counted.
        await("moves from wc2 listed").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript("return Array.prototype.filter.call("
                        + "document.querySelectorAll('#swarm-events tbody tr[data-kind=\"move\"]'),"
                        + " function (tr) { return / from wc2$/.test(tr.cells[3].textContent); }).length;")).intValue() >= 1);
        await("every counter counted on the two nodes left").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript(WORKERS)).intValue() == COUNTERS);
        await("two shares left on the ring").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Number) js.executeScript(
                        "return document.querySelectorAll('#swarm-ring path[data-node]').length;")).intValue() == 2);
        System.out.printf("WebConsoleIT: %d ms in all%n", (System.nanoTime() - begin) / 1_000_000);
    }

    /** Debian's Chromium, headless, through Debian's chromedriver; a fresh profile; no network of its own. */
    private ChromeDriver chromium() throws IOException {
        profile = Files.createTempDirectory(WORK.toAbsolutePath(), "chromium-");
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The page's status line (what it last read, or why it could not), for failure messages. */
    private static String status(JavascriptExecutor js) {
        return "page status: " + js.executeScript("var s = document.getElementById('swarm-status');"
                + " return s === null ? document.documentElement.outerHTML.substring(0, 2000) : s.textContent;");
    }

    private static int get(String url, String credentials) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
