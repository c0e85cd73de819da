package io.devsec.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    final SecureRandom random = new SecureRandom();

    @Test
    void hash_storesArgon2idParametersAndVerifies() {
        byte[] phc = PasswordHasher.DEFAULT.hash("violet kettle".toCharArray(), random);
        String s = new String(phc, StandardCharsets.US_ASCII);
        assertThat(s).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("violet");
        assertThat(PasswordHasher.matches("violet kettle".toCharArray(), phc)).isTrue();
        assertThat(PasswordHasher.matches("violet kettlE".toCharArray(), phc)).isFalse();
    }

    @Test
    void hash_samePasswordTwice_differsBySalt() {
        byte[] a = PasswordHasher.DEFAULT.hash("violet kettle".toCharArray(), random);
        byte[] b = PasswordHasher.DEFAULT.hash("violet kettle".toCharArray(), random);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void matches_usesStoredParametersNotCurrentDefaults() {
        byte[] phc = new PasswordHasher(1024, 1, 1).hash("kettle".toCharArray(), random);
        assertThat(new String(phc, StandardCharsets.US_ASCII)).contains("m=1024,t=1,p=1");
        assertThat(PasswordHasher.matches("kettle".toCharArray(), phc)).isTrue();
    }

    @Test
    void matches_nfkcEquivalentSpellings_match() {
        byte[] phc = PasswordHasher.DEFAULT.hash("Ａｃｍｅ café".toCharArray(), random); // fullwidth + precomposed é
        assertThat(PasswordHasher.matches("Acme cafe\u0301".toCharArray(), phc)).isTrue();
    }

    @Test
    void argon2id_matchesReferenceImplementationVectors() {
        // phc-winner-argon2 src/test.c, Argon2id v=0x13, password "password", salt "somesalt"
        byte[] m64MiB = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] m256KiB = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4".getBytes(StandardCharsets.US_ASCII);
        assertThat(PasswordHasher.matches("password".toCharArray(), m64MiB)).isTrue();
        assertThat(PasswordHasher.matches("password".toCharArray(), m256KiB)).isTrue();
        assertThat(PasswordHasher.matches("passwore".toCharArray(), m256KiB)).isFalse();
    }

    @Test
    void matches_malformedStoredValue_throwsIllegalArgument() {
        assertThatThrownBy(() -> PasswordHasher.matches("x".toCharArray(), "$argon2i$v=19$m=1,t=1,p=1$a$b".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHasher.matches("x".toCharArray(),
                "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
