package org.swarmosgi.membership.statik.internal;

import java.lang.annotation.Annotation;

/** A {@link StaticConfig} with the defaults, each value replaceable, as ConfigAdmin would give it. */
final class TestConfig implements StaticConfig {
    String[] seeds = {};
    int port = 45892;
    long interval = 100;
    double phi = 8.0;
    long pause = 800;
    long minStd = 100;

    @Override
    public Class<? extends Annotation> annotationType() {
        return StaticConfig.class;
    }

    @Override
    public String[] seeds() {
        return seeds;
    }

    @Override
    public int port() {
        return port;
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
