package org.swarmosgi.membership.multicast.internal;

import java.lang.annotation.Annotation;

/** A {@link MulticastConfig} with the defaults, each value replaceable, as ConfigAdmin would give it. */
final class TestConfig implements MulticastConfig {
    int port = 45892;
    String ifAddr = "127.0.0.1";
    String multicastAddr = "230.0.0.251";
    int ttl = 1;
    long interval = 100;
    double phi = 8.0;
    long pause = 800;
    long minStd = 100;

    @Override
    public Class<? extends Annotation> annotationType() {
        return MulticastConfig.class;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String if__addr() {
        return ifAddr;
    }

    @Override
    public String multicast__addr() {
        return multicastAddr;
    }

    @Override
    public int multicast__ttl() {
        return ttl;
    }

    @Override
    public long heartbeat__interval__ms() {
        return interval;
    }

    @Override
    public double phi__threshold() {
        return phi;
    }

    @Override
    public long acceptable__pause__ms() {
        return pause;
    }

    @Override
    public long min__std__deviation__ms() {
        return minStd;
    }
}
