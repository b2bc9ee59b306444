package org.swarmosgi.codec.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonCodecTest {

    record Deposit(String account, long cents, List<String> tags) {
    }

    record Envelope(Deposit deposit, Map<String, Integer> counts) {
    }

    /** A plain object with a no-argument constructor and getters/setters. */
    public static final class Account {
        private String owner;
        private int balance;

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }

        public int getBalance() {
            return balance;
        }

        public void setBalance(int balance) {
            this.balance = balance;
        }
    }

    @Test
    void recordsRoundTripAsJson() {
        final JsonCodec<Envelope> codec = JsonCodec.of(Envelope.class);
        final Envelope value = new Envelope(new Deposit("acc-1", 1234, List.of("a", "b")), Map.of("x", 1));
        final byte[] bytes = codec.encode(value);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"account\":\"acc-1\"", "\"cents\":1234");
        assertThat(codec.decode(bytes)).isEqualTo(value);
        assertThat(codec.type()).isEqualTo(Envelope.class);
        assertThat(codec.name()).isEqualTo("json");
    }

    @Test
    void plainObjectsRoundTrip() {
        final JsonCodec<Account> codec = JsonCodec.of(Account.class);
        final Account account = new Account();
        account.setOwner("ann");
        account.setBalance(7);
        final Account back = codec.decode(codec.encode(account));
        assertThat(back.getOwner()).isEqualTo("ann");
        assertThat(back.getBalance()).isEqualTo(7);
    }

    @Test
    void unknownPropertiesAreIgnoredForRollingUpgrades() {
        final Deposit d = JsonCodec.of(Deposit.class)
            .decode("{\"account\":\"a\",\"cents\":5,\"tags\":[],\"addedInV2\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(d).isEqualTo(new Deposit("a", 5, List.of()));
    }

    @Test
    void malformedInputFailsWithIllegalArgument() {
        final JsonCodec<Deposit> codec = JsonCodec.of(Deposit.class);
        for (String bad : List.of("", "{", "null", "[1,2]", "{\"account\":\"a\",\"cents\":\"x\"}", "{} trailing",
            "{\"account\":\"a\",\"cents\":null}")) {
            assertThatThrownBy(() -> codec.decode(bad.getBytes(StandardCharsets.UTF_8)))
                .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Deposit");
        }
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0}))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostileInputIsBounded() {
        @SuppressWarnings("rawtypes")
        final JsonCodec<Map> maps = JsonCodec.of(Map.class);
        final String deep = "{\"tags\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> maps.decode(deep.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nesting");
        final JsonCodec<Deposit> codec = JsonCodec.of(Deposit.class);
        final String longNumber = "{\"cents\":" + "9".repeat(5_000) + "}";
        assertThatThrownBy(() -> codec.decode(longNumber.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClassPropertyNeverChoosesAClass() {
        @SuppressWarnings("rawtypes")
        final JsonCodec<Map> codec = JsonCodec.of(Map.class);
        final Object value = codec.decode("{\"@class\":\"java.io.File\",\"path\":\"/etc\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(value).isInstanceOf(Map.class);
    }
}
