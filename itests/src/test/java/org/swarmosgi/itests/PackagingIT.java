package org.swarmosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Test;

/** The distribution and the feature repository ship the same bundles of ours: all of them. */
public class PackagingIT {

    @Test
    public void theDistributionHoldsEveryBundleOfOursAndOnlyBundles() throws IOException {
        final Set<String> ours = new TreeSet<>();
        try (Stream<Path> jars = Files.list(SwarmContainer.distribution().resolve("bundle"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    final String bsn = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    assertTrue(jar + " is not a bundle", bsn != null);
                    if (bsn.startsWith("org.swarmosgi.")) {
                        ours.add(bsn);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(SwarmContainer.SWARM_BUNDLES), ours);
        assertTrue(Files.isExecutable(SwarmContainer.distribution().resolve("bin/swarm")));
        assertTrue(Files.isRegularFile(SwarmContainer.distribution().resolve("bin/felix.jar")));
    }

    @Test
    public void theFeatureRepositoryListsEveryBundleOfOurs() throws IOException {
        final String xml = Files.readString(Path.of(System.getProperty("swarm.features")));
        final Set<String> ours = new TreeSet<>();
        final Matcher bundle = Pattern.compile("<bundle>mvn:org\\.swarmosgi/([^/]+)/([^<]+)</bundle>").matcher(xml);
        while (bundle.find()) {
            ours.add(bundle.group(1));
            assertTrue(bundle.group(0), !bundle.group(2).contains("${"));
        }
        assertEquals(new TreeSet<>(SwarmContainer.SWARM_BUNDLES), ours);
    }
}
