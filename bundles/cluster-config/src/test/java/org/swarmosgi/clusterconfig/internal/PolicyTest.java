package org.swarmosgi.clusterconfig.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.jupiter.api.Test;

class PolicyTest {

    @Test
    void theDefaultsShareTheRegistryAndWorkersNeverANodesOwnPids() {
        final Policy p = Settings.of(config(new String[0], null, 5000)).policy();
        assertThat(p.shares("org.swarmosgi.registry")).isTrue();
        assertThat(p.shares("org.swarmosgi.worker.billing")).isTrue();
        assertThat(p.shares("org.swarmosgi.examples.demo~one")).isTrue();
        assertThat(p.shares("org.swarmosgi.node")).isFalse();
        assertThat(p.shares("org.swarmosgi.transport.aeron")).isFalse();
        assertThat(p.shares("org.swarmosgi.deployment")).isFalse();
        final Policy all = new Policy(List.of("*"), List.of());
        assertThat(all.shares("org.swarmosgi.membership.static")).isFalse();
        assertThat(all.shares("org.swarmosgi.clusterconfig")).isFalse();
        assertThat(all.shares("com.acme.x")).isTrue();
    }

    @Test
    void secretPrivateAndLocalKeysStayLocal() {
        final Policy p = Settings.of(config(new String[0], null, 5000)).policy();
        for (String key : List.of("db.password", "API_TOKEN", "client.secret", ".hidden", "felix.fileinstall.filename",
                "service.pid", "aws.credentials", "ssh.private.key")) {
            assertThat(p.local(key)).as(key).isTrue();
        }
        for (String key : List.of("size", "mode", "timeout.ms")) {
            assertThat(p.local(key)).as(key).isFalse();
        }
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> Settings.of(config(new String[0], null, 5))).hasMessage(
                "gossip.interval.ms must be 100..600000, was 5");
        assertThatThrownBy(() -> Settings.of(config(new String[] {"a b"}, null, 5000))).hasMessageContaining(
                "allow.pids: 'a b' holds a space");
        assertThat(Settings.of(config(new String[] {"a.*, b"}, null, 5000)).policy().allowPids())
                .containsExactly("a.*", "b");
    }

    private static ClusterConfigConfig config(String[] allow, String[] deny, long gossip) {
        return new ClusterConfigConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ClusterConfigConfig.class;
            }

            @Override
            public String[] allow_pids() {
                return allow.length == 0 ? new String[] {"org.swarmosgi.registry", "org.swarmosgi.worker.*",
                    "org.swarmosgi.examples.*"} : allow;
            }

            @Override
            public String[] deny_keys() {
                return deny != null ? deny : new String[] {"*secret*", "*password*", "*passwd*", "*token*",
                    "*credential*", "*private*"};
            }

            @Override
            public long gossip_interval_ms() {
                return gossip;
            }

            @Override
            public int max_pids() {
                return 256;
            }

            @Override
            public int max_entry_bytes() {
                return 65536;
            }

            @Override
            public String state_dir() {
                return "";
            }
        };
    }
}
