package org.swarmosgi.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store, the manifest check and serving chunks, on real files. */
class BlobStoreTest {

    @TempDir
    Path dir;

    private static String sha(byte[] b) {
        return Hashes.hex(Hashes.sha256().digest(b));
    }

    @Test
    void anImportedBundleIsStoredUnderItsHashWithItsIdentity() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final byte[] jar = Jars.bundle("org.example.device", "1.2", 5000);
        final BlobStore.Stored s = store.importFrom(new ByteArrayInputStream(jar), 1 << 20);
        assertThat(s.sha256()).isEqualTo(sha(jar));
        assertThat(s.size()).isEqualTo(jar.length);
        assertThat(s.manifest()).isEqualTo(new BundleManifest("org.example.device", "1.2.0"));
        assertThat(Files.readAllBytes(store.path(s.sha256()))).isEqualTo(jar);
        assertThat(store.hashes()).containsExactly(s.sha256());
        assertThat(Files.list(dir.resolve("incoming"))).isEmpty();
    }

    @Test
    void badSourcesAreRefusedAndLeaveNothing() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final byte[] jar = Jars.bundle("b", "1", 5000);
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream(jar), 1024))
                .hasMessage("the bundle is larger than max.bundle.size (1024 bytes)");
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream("hello".getBytes()), 1024))
                .hasMessageStartingWith("not a jar (zip) file");
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream(new byte[0]), 1024))
                .hasMessage("the source is empty");
        final Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream(Jars.jar(plain, 10)), 1 << 20))
                .hasMessage("not an OSGi bundle: Bundle-ManifestVersion must be 2, was absent");
        plain.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream(Jars.jar(plain, 10)), 1 << 20))
                .hasMessage("not a bundle: it has no Bundle-SymbolicName");
        plain.getMainAttributes().putValue("Bundle-SymbolicName", "b");
        plain.getMainAttributes().putValue("Bundle-Version", "one");
        assertThatThrownBy(() -> store.importFrom(new ByteArrayInputStream(Jars.jar(plain, 10)), 1 << 20))
                .hasMessageStartingWith("b: Bundle-Version 'one' is not a version");
        assertThat(store.hashes()).isEmpty();
        assertThat(Files.list(dir.resolve("incoming"))).isEmpty();
    }

    @Test
    void anEndlessSourceIsCutAtTheLimit() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        assertThatThrownBy(() -> store.importFrom(endless, 1 << 20)).hasMessageContaining("larger than max.bundle.size");
        assertThat(Files.list(dir.resolve("incoming"))).isEmpty();
    }

    @Test
    void receivedBytesAreStoredOnlyWhenHashAndManifestMatch() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final byte[] jar = Jars.bundle("b", "1.0.0", 3000);
        final BlobStore.Incoming wrong = store.begin(jar.length);
        final byte[] corrupt = jar.clone();
        corrupt[jar.length / 2] ^= 1;
        wrong.write(ByteBuffer.wrap(corrupt));
        assertThatThrownBy(() -> wrong.finish(sha(jar), new BundleManifest("b", "1.0.0")))
                .hasMessageStartingWith("wrong SHA-256: expected " + sha(jar).substring(0, 12));
        wrong.abort();

        final BlobStore.Incoming other = store.begin(jar.length);
        other.write(ByteBuffer.wrap(jar));
        assertThatThrownBy(() -> other.finish(sha(jar), new BundleManifest("b", "2.0.0")))
                .hasMessage("the bytes are b 1.0.0, announced as b 2.0.0");
        other.abort();

        final BlobStore.Incoming tooMuch = store.begin(10);
        assertThatThrownBy(() -> tooMuch.write(ByteBuffer.wrap(jar))).hasMessage("more bytes than the 10 announced");
        tooMuch.abort();
        assertThat(store.hashes()).isEmpty();
        assertThat(Files.list(dir.resolve("incoming"))).isEmpty();

        final BlobStore.Incoming right = store.begin(jar.length);
        right.write(ByteBuffer.wrap(jar, 0, 1000));
        right.write(ByteBuffer.wrap(jar, 1000, jar.length - 1000));
        right.finish(sha(jar), new BundleManifest("b", "1.0.0"));
        right.abort(); // after finish: nothing
        assertThat(store.has(sha(jar))).isTrue();
    }

    @Test
    void chunksAreServedWithinTheirBound() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final byte[] jar = Jars.bundle("b", "1.0.0", 3000);
        final String sha = store.importFrom(new ByteArrayInputStream(jar), 1 << 20).sha256();
        final ByteBuffer first = Fetcher.serve(store, Wire.fetchRequest(sha, 0, 1000), 4096);
        assertThat(first.remaining()).isEqualTo(1000);
        final ByteBuffer last = Fetcher.serve(store, Wire.fetchRequest(sha, 1000, 4096), 4096);
        assertThat(last.remaining()).isEqualTo(jar.length - 1000); // the rest, not more
        assertThatThrownBy(() -> Fetcher.serve(store, Wire.fetchRequest(sha, 0, 8192), 4096))
                .hasMessage("a chunk of 8192 bytes is above 4096");
        assertThatThrownBy(() -> Fetcher.serve(store, Wire.fetchRequest(sha, jar.length, 10), 4096))
                .hasMessageStartingWith("offset " + jar.length + " is past the end");
        assertThatThrownBy(() -> Fetcher.serve(store, Wire.fetchRequest(Sim.sha("other"), 0, 10), 4096))
                .hasMessageStartingWith("no bundle ");
    }

    @Test
    void theCatalogIsKeptAndAnUnreadableOneIsIgnored() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final List<Entry> catalog = List.of(new Entry("b", 2, false, "1.0.0", Sim.sha("b"), 10, "n"));
        store.writeCatalog(catalog);
        assertThat(new BlobStore(dir).readCatalog(16, 1 << 20)).isEqualTo(catalog);
        Files.write(dir.resolve(BlobStore.CATALOG), new byte[] {1, 2, 3});
        assertThat(new BlobStore(dir).readCatalog(16, 1 << 20)).isEmpty();
    }

    @Test
    void retainDeletesTheRestAndSaysWhat() throws IOException {
        final BlobStore store = new BlobStore(dir);
        final String a = store.importFrom(new ByteArrayInputStream(Jars.bundle("a", "1", 10)), 1 << 20).sha256();
        final String b = store.importFrom(new ByteArrayInputStream(Jars.bundle("b", "1", 10)), 1 << 20).sha256();
        assertThat(store.retain(Set.of(a))).containsExactly(b);
        assertThat(store.hashes()).containsExactly(a);
    }
}
