package io.devsec.core.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class LabelPasswordsTest {

    @Test
    void alphabet_hasNoLookAlikes_andEnoughEntropy() {
        assertThat(LabelPasswords.ALPHABET).hasSize(LabelPasswords.ALPHABET_SIZE);
        assertThat(LabelPasswords.ALPHABET.chars().distinct().count()).isEqualTo(LabelPasswords.ALPHABET_SIZE);
        for (char c : "0Oo1lIi2Zz5Ss".toCharArray()) {
            assertThat(LabelPasswords.ALPHABET).doesNotContain(String.valueOf(c));
        }
        for (String group : new String[] {"6bG", "9gq", "8B", "cC", "xX", "kK", "pP"}) {
            long present = group.chars().filter(c -> LabelPasswords.ALPHABET.indexOf(c) >= 0).count();
            assertThat(present).as("look-alike group " + group).isLessThanOrEqualTo(1);
        }
        double bits = LabelPasswords.LENGTH * Math.log(LabelPasswords.ALPHABET_SIZE) / Math.log(2);
        assertThat(bits).isGreaterThanOrEqualTo(80).isGreaterThanOrEqualTo(LabelPasswords.ENTROPY_BITS_FLOOR);
    }

    @Test
    void generate_wellFormedAndRoughlyUniform() {
        SecureRandom random = new SecureRandom();
        int[] counts = new int[LabelPasswords.ALPHABET_SIZE];
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            char[] pw = LabelPasswords.generate(random);
            assertThat(LabelPasswords.isWellFormed(pw)).isTrue();
            for (char c : pw) {
                counts[LabelPasswords.ALPHABET.indexOf(c)]++;
            }
        }
        double expected = draws * (double) LabelPasswords.LENGTH / LabelPasswords.ALPHABET_SIZE;
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 23 degrees of freedom: p = 1e-6 at about 65; a biased (modulo) draw would exceed it by far.
        assertThat(chi2).isLessThan(65);
    }

    @Test
    void isWellFormed_refusesOtherShapes() {
        assertThat(LabelPasswords.isWellFormed("acdefhjkmnprtuvwx".toCharArray())).isFalse();
        assertThat(LabelPasswords.isWellFormed("acdefhjkmnprtuvwx0".toCharArray())).isFalse();
        assertThat(LabelPasswords.isWellFormed(null)).isFalse();
    }

    @Test
    void meetsLabelRule_acceptsEveryGeneratedPassword_refusesWeakOrForeignShapes() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20_000; i++) {
            assertThat(LabelPasswords.meetsLabelRule(LabelPasswords.generate(random))).isTrue();
        }
        assertThat(LabelPasswords.meetsLabelRule("tmkp7fr3wc9ahxy4ud".toCharArray())).isTrue();
        assertThat(LabelPasswords.meetsLabelRule("tmkp7fr3wc9ahxy4udtmkp7fr3wc9ahxy4ud".toCharArray())).isTrue();
        for (String weak : new String[] {"tmkp7fr3wc9ahxy4u", "12345678", "password1", "aaaaaaaaaaaaaaaaaa",
                "acacacacacacacacac", "aaaaaaaaacdefhjkmn", "TMKP7FR3WC9AHXY4UD", "tmkp7fr3wc9ahxy4u0"}) {
            assertThat(LabelPasswords.meetsLabelRule(weak.toCharArray())).as(weak).isFalse();
        }
        assertThat(LabelPasswords.meetsLabelRule(null)).isFalse();
    }
}
