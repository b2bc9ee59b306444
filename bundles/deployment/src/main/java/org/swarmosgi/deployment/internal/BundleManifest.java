package org.swarmosgi.deployment.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.osgi.framework.Version;

/**
 * The identity of a bundle file, read from its manifest: an OSGi R4+ bundle
 * ({@code Bundle-ManifestVersion: 2}) with a symbolic name. The manifest is read through a bound, so a
 * file whose manifest inflates to gigabytes costs no more than {@value #MAX_MANIFEST} bytes.
 *
 * @param bsn     the symbolic name without its directives
 * @param version the canonical version ({@code 0.0.0} when absent)
 */
record BundleManifest(String bsn, String version) {

    static final int MAX_MANIFEST = 1 << 20;

    /** @throws IllegalArgumentException naming why the file is not a bundle we deploy */
    static BundleManifest read(Path jar) throws IOException {
        final byte[] bytes;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            final ZipEntry entry = zip.getEntry(JarFile.MANIFEST_NAME);
            if (entry == null) {
                throw new IllegalArgumentException("not a bundle: the jar has no " + JarFile.MANIFEST_NAME);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readNBytes(MAX_MANIFEST + 1);
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException("not a jar (zip) file: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_MANIFEST) {
            throw new IllegalArgumentException("not a bundle we deploy: its manifest is over " + MAX_MANIFEST + " bytes");
        }
        return parse(bytes);
    }

    static BundleManifest parse(byte[] manifest) throws IOException {
        final Attributes main = new Manifest(new ByteArrayInputStream(manifest)).getMainAttributes();
        final String manifestVersion = main.getValue("Bundle-ManifestVersion");
        if (!"2".equals(manifestVersion == null ? null : manifestVersion.strip())) {
            throw new IllegalArgumentException("not an OSGi bundle: Bundle-ManifestVersion must be 2, was "
                    + (manifestVersion == null ? "absent" : "'" + manifestVersion + "'"));
        }
        final String name = main.getValue("Bundle-SymbolicName");
        final String bsn = name == null ? "" : name.split(";", 2)[0].strip();
        if (bsn.isEmpty()) {
            throw new IllegalArgumentException("not a bundle: it has no Bundle-SymbolicName");
        }
        if (bsn.getBytes(StandardCharsets.UTF_8).length > Wire.MAX_STRING) {
            throw new IllegalArgumentException("Bundle-SymbolicName is longer than " + Wire.MAX_STRING + " bytes");
        }
        final String v = main.getValue("Bundle-Version");
        final Version version;
        try {
            version = v == null ? Version.emptyVersion : Version.parseVersion(v.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(bsn + ": Bundle-Version '" + v + "' is not a version: " + e.getMessage(), e);
        }
        return new BundleManifest(bsn, version.toString());
    }
}
