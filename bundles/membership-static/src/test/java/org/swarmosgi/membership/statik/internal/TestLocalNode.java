package org.swarmosgi.membership.statik.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.ThreadLocalRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.node.LocalNode;

/** A LocalNode for tests: keys derived the documented way (HKDF-SHA256, salt = cluster, info = purpose). */
record TestLocalNode(NodeId id, String clusterName, String secret) implements LocalNode {

    static TestLocalNode of(String name, String cluster, String secret) {
        return new TestLocalNode(new NodeId(name, ThreadLocalRandom.current().nextLong()), cluster, secret);
    }

    @Override
    public String autocluster() {
        return "static";
    }

    @Override
    public String bindAddress() {
        return "127.0.0.1";
    }

    @Override
    public String advertiseAddress() {
        return "127.0.0.1";
    }

    @Override
    public Path workDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public byte[] deriveKey(String purpose) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterName.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            final byte[] prk = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean usesDefaultSecret() {
        return false;
    }
}
