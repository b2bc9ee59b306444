package org.swarmosgi.deployment.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Small bundle jars made in memory for tests. */
final class Jars {
    private Jars() {
    }

    static byte[] bundle(String bsn, String version, int padding) {
        final Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", bsn + ";singleton:=true");
        m.getMainAttributes().putValue("Bundle-Version", version);
        return jar(m, padding);
    }

    static byte[] jar(Manifest m, int padding) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new ZipEntry("data.txt"));
            final byte[] pad = new byte[padding];
            for (int i = 0; i < padding; i++) {
                pad[i] = (byte) ('a' + i * 7919 % 26);
            }
            jar.setLevel(0);
            jar.write(pad);
            jar.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
