package org.swarmosgi.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * docs/configuration.md is generated from the metatype (OSGI-INF/metatype/*.xml, written by bnd from each
 * bundle's {@code @ObjectClassDefinition}) of every Swarm bundle in the built distribution. This test renders
 * it and fails when the file differs, so a new or changed setting cannot leave the reference behind.
 * {@code -Dswarm.docs.write=true} rewrites the file instead.
 */
final class ConfigurationReferenceTest {

    private static final String REGENERATE =
        "mvn -B -q install -DskipTests && mvn -B -pl docs verify -Dswarm.docs.write=true";

    /** One configuration PID: its bundle, the OCD's name and description, its attributes in declared order. */
    private record Pid(String pid, String bundle, String name, String description, List<Attribute> attributes) { }

    private record Attribute(String key, String type, String defaults, String description, List<String> options) { }

    @Test
    void configurationReferenceMatchesTheMetatypeOfEveryBundle() throws Exception {
        final Path bundles = Path.of(System.getProperty("swarm.docs.bundles"));
        final Path file = Path.of(System.getProperty("swarm.docs.file"));
        assertTrue(Files.isDirectory(bundles), "no " + bundles + ": build the distribution first (mvn -B -q install -DskipTests)");
        final Map<String, Pid> pids = readPids(bundles);
        assertFalse(pids.isEmpty(), "no metatype in " + bundles);
        for (Pid p : pids.values()) {
            for (Attribute a : p.attributes()) {
                assertFalse(a.description().isBlank(), p.pid() + " " + a.key() + " has no description");
            }
        }
        final String rendered = render(pids);
        if (Boolean.getBoolean("swarm.docs.write")) {
            Files.writeString(file, rendered, StandardCharsets.UTF_8);
            return;
        }
        final String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertEquals(rendered, current, file + " is not what the bundles' metatype says; regenerate it with: " + REGENERATE);
    }

    private static Map<String, Pid> readPids(Path bundles) throws Exception {
        final Map<String, Pid> pids = new TreeMap<>();
        final List<Path> jars;
        try (Stream<Path> s = Files.list(bundles)) {
            jars = s.filter(p -> p.getFileName().toString().startsWith("org.swarmosgi.")
                && p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final DocumentBuilder builder = factory.newDocumentBuilder();
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                final String bundle = j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
                for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                    final JarEntry entry = e.nextElement();
                    if (entry.getName().startsWith("OSGI-INF/metatype/") && entry.getName().endsWith(".xml")) {
                        try (InputStream in = j.getInputStream(entry)) {
                            for (Pid p : parse(builder.parse(in), bundle)) {
                                final Pid before = pids.put(p.pid(), p);
                                assertTrue(before == null, p.pid() + " is described twice (" + before + ", " + p + ")");
                            }
                        }
                    }
                }
            }
        }
        return pids;
    }

    private static List<Pid> parse(Document doc, String bundle) {
        final Map<String, Element> ocds = new TreeMap<>();
        final NodeList ocdNodes = doc.getElementsByTagName("OCD");
        for (int i = 0; i < ocdNodes.getLength(); i++) {
            final Element ocd = (Element) ocdNodes.item(i);
            ocds.put(ocd.getAttribute("id"), ocd);
        }
        final List<Pid> out = new ArrayList<>();
        final NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            final Element designate = (Element) designates.item(i);
            final Element object = (Element) designate.getElementsByTagName("Object").item(0);
            final Element ocd = ocds.get(object.getAttribute("ocdref"));
            final List<Attribute> attributes = new ArrayList<>();
            final NodeList ads = ocd.getElementsByTagName("AD");
            for (int k = 0; k < ads.getLength(); k++) {
                final Element ad = (Element) ads.item(k);
                final String cardinality = ad.getAttribute("cardinality");
                final boolean many = !cardinality.isEmpty() && !cardinality.equals("0");
                final List<String> options = new ArrayList<>();
                final NodeList opts = ad.getElementsByTagName("Option");
                for (int o = 0; o < opts.getLength(); o++) {
                    options.add(((Element) opts.item(o)).getAttribute("value"));
                }
                attributes.add(new Attribute(ad.getAttribute("id"), ad.getAttribute("type") + (many ? "[]" : ""),
                    ad.getAttribute("default"), ad.getAttribute("description"), options));
            }
            out.add(new Pid(designate.getAttribute("pid"), bundle, ocd.getAttribute("name"),
                ocd.getAttribute("description"), attributes));
        }
        return out;
    }

    private static String render(Map<String, Pid> pids) {
        final StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
            .append("<!-- Generated from the metatype of every bundle in the distribution by docs/src/test/java/")
            .append("org/swarmosgi/docs/ConfigurationReferenceTest.java; do not edit by hand. Regenerate: ")
            .append(REGENERATE).append(" -->\n\n")
            .append("Every setting is a ConfigAdmin property of one PID, optional, with the default shown. Set them in the\n")
            .append("distribution's `etc/<pid>.cfg` (applied within a second while the node runs), through ConfigAdmin, or\n")
            .append("for the most common ones with a `bin/swarm` flag or `SWARM_*` variable (see\n")
            .append("[getting started](getting-started.md) and `distribution/README.md`). An invalid value is refused\n")
            .append("with a log line naming the key.\n")
            .append("Types are the metatype's; a `[]` type takes several values (in a `.cfg` file, one string split at commas).\n\n");
        for (Pid p : pids.values()) {
            md.append("- [`").append(p.pid()).append("`](#").append(p.pid().replace(".", "")).append(")\n");
        }
        for (Pid p : pids.values()) {
            md.append("\n## ").append(p.pid()).append("\n\n")
                .append(cell(p.name())).append(": ").append(cell(p.description()))
                .append(" Bundle `").append(p.bundle()).append("`.\n\n")
                .append("| key | type | default | meaning |\n|---|---|---|---|\n");
            for (Attribute a : p.attributes()) {
                String meaning = cell(a.description());
                if (!a.options().isEmpty()) {
                    meaning += " One of: `" + String.join("`, `", a.options()) + "`.";
                }
                md.append("| `").append(a.key()).append("` | ").append(a.type()).append(" | ")
                    .append(a.defaults().isEmpty() ? "" : "`" + a.defaults() + "`").append(" | ")
                    .append(meaning).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Text fit for one Markdown table cell: one line, no column separator, nothing GitHub takes for HTML or emphasis. */
    private static String cell(String s) {
        return s.strip().replaceAll("\\s+", " ").replace("|", "\\|").replace("*", "\\*")
            .replace("<", "&lt;").replace(">", "&gt;");
    }
}
