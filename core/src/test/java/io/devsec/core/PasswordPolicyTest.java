package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.PasswordRejectedException.Reason;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    static final List<String> CONTEXT = List.of("ds-abcdefghijklmnopqrstuvwxyz234567", "SN-000042", "Acme Thermostat");

    static void assertRejected(PasswordPolicy policy, String password, Reason reason) {
        assertThatThrownBy(() -> policy.check(password.toCharArray(), CONTEXT))
                .isInstanceOfSatisfying(PasswordRejectedException.class, e -> {
                    assertThat(e.reason()).as(password).isEqualTo(reason);
                    if (!password.isBlank()) {
                        assertThat(e.getMessage()).doesNotContain(password.trim());
                    }
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "violet kettle under seven bridges",
        "correct horse battery staple",
        "Grüße aus dem schönen München 🙂",
        "猫が窓の外で静かに眠っている午後",
        "zebra tulip 42 orbit",
        "kettle on the window",
    })
    void check_goodPassphrases_areAccepted(String password) {
        assertThatCode(() -> PasswordPolicy.DEFAULT.check(password.toCharArray(), CONTEXT)).doesNotThrowAnyException();
    }

    @Test
    void check_64And256Characters_areAccepted_257IsTooLong() throws Exception {
        String base = "the quick brown fox jumps over a lazy dog near seven lakes while ";
        String p64 = base.substring(0, 64);
        PasswordPolicy.DEFAULT.check(p64.toCharArray(), CONTEXT);
        StringBuilder b = new StringBuilder();
        String[] words = {"amber", "violet", "kettle", "harbor", "quartz", "lantern", "meadow", "copper", "falcon",
            "glacier", "pepper", "tundra", "saffron", "beacon", "orchid", "walnut"};
        for (int i = 0; b.length() < 256; i++) {
            b.append(words[(i * 7) % words.length]).append(i % 10).append(' ');
        }
        String p256 = b.substring(0, 256);
        PasswordPolicy.DEFAULT.check(p256.toCharArray(), CONTEXT);
        assertRejected(PasswordPolicy.DEFAULT, p256 + "x", Reason.TOO_LONG);
    }

    @Test
    void check_lengthCountsCodePointsAfterNfkc() throws Exception {
        // 15 emoji are 30 UTF-16 chars but 15 characters
        String fifteenEmoji = "🐢🦊🐙🦉🐝🦋🐳🦄🐸🦀🐧🦔🐌🦩🐞";
        PasswordPolicy.DEFAULT.check(fifteenEmoji.toCharArray(), CONTEXT);
        assertRejected(PasswordPolicy.DEFAULT, fifteenEmoji.substring(0, 28), Reason.TOO_SHORT);
        // fullwidth letters normalise (NFKC) to ASCII, so "ＲＯＯＴＸＣ３５１１" is the Mirai credential
        assertRejected(PasswordPolicy.DEFAULT, "my ＲＯＯＴＸＣ３５１１ camera at home", Reason.KNOWN_DEFAULT_CREDENTIAL);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "''|BLANK",
        "'                    '|BLANK",
        "'\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000'|BLANK",
        "kettle bridge|TOO_SHORT",
        "has a bell \u0007 inside of it|UNSUPPORTED_CHARACTER",
        "rootxc3511rootxc3511|KNOWN_DEFAULT_CREDENTIAL",
        "my favourite XC3511 camera|KNOWN_DEFAULT_CREDENTIAL",
        "this camera uses 7ujMko0admin|KNOWN_DEFAULT_CREDENTIAL",
        "Raspberry pie is really great|KNOWN_DEFAULT_CREDENTIAL",
        "administrator1234|KNOWN_DEFAULT_CREDENTIAL",
        "aaaaaaaaaaaaaaaaaaaa|REPETITIVE",
        "abababababababababab|REPETITIVE",
        "iloveyouiloveyou|REPETITIVE",
        "abcdefghijklmnopqrst|SEQUENTIAL",
        "qwertyuiopasdfghjkl|COMMON_PASSWORD",
        "kiuytrewsdfghjkmnbv|KEYBOARD_PATTERN",
        "xsw2cde3vfr4bgt5nhy6|KEYBOARD_PATTERN",
        "P@ssw0rd-iloveyou99|COMMON_PASSWORD",
        "baseballfootball|COMMON_PASSWORD",
        "sunshine sunshine|COMMON_PASSWORD",
        "hello my SN-000042 device|CONTAINS_CONTEXT_WORD",
        "acme thermostat forever|CONTAINS_CONTEXT_WORD",
        "x ds-abcdefghijklmnopqrstuvwxyz234567 y|CONTAINS_CONTEXT_WORD",
    })
    void check_badPasswords_areRefusedWithReason(String password, Reason reason) {
        assertRejected(PasswordPolicy.DEFAULT, password, reason);
    }

    @Test
    void check_miraiListIsLoadedAndCaseInsensitive() {
        assertThat(io.devsec.core.internal.PasswordChecks.defaultCredentialTermCount()).isGreaterThan(80);
        PasswordPolicy eight = PasswordPolicy.ONE_OF_SEVERAL_FACTORS;
        assertRejected(eight, "PASSWORD", Reason.KNOWN_DEFAULT_CREDENTIAL);
        assertRejected(eight, "Dreambox", Reason.KNOWN_DEFAULT_CREDENTIAL);
        assertRejected(eight, "juantech", Reason.KNOWN_DEFAULT_CREDENTIAL);
        assertRejected(eight, "00000000", Reason.KNOWN_DEFAULT_CREDENTIAL);
        assertRejected(eight, "RootVizxv", Reason.KNOWN_DEFAULT_CREDENTIAL);
    }

    @Test
    void oneOfSeveralFactors_allowsEightCharacters_defaultDoesNot() throws Exception {
        PasswordPolicy.ONE_OF_SEVERAL_FACTORS.check("fjr8ekd2".toCharArray(), CONTEXT);
        assertRejected(PasswordPolicy.DEFAULT, "fjr8ekd2", Reason.TOO_SHORT);
        assertRejected(PasswordPolicy.ONE_OF_SEVERAL_FACTORS, "fjr8ek", Reason.TOO_SHORT);
        assertRejected(PasswordPolicy.ONE_OF_SEVERAL_FACTORS, "summer2024", Reason.COMMON_PASSWORD);
    }

    @Test
    void check_doesNotModifyTheCallersArray() throws Exception {
        char[] pw = "violet kettle under seven bridges".toCharArray();
        PasswordPolicy.DEFAULT.check(pw, CONTEXT);
        assertThat(new String(pw)).isEqualTo("violet kettle under seven bridges");
    }

    @Test
    void builder_outOfRange_namesField() {
        assertThatThrownBy(() -> PasswordPolicy.builder().minLength(7).build()).hasMessageContaining("minLength");
        assertThatThrownBy(() -> PasswordPolicy.builder().maxLength(63).build()).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> PasswordPolicy.builder().minLength(100).maxLength(64).build()).hasMessageContaining("minLength");
        assertThatThrownBy(() -> PasswordPolicy.builder().minGuessesLog10(Double.NaN).build()).hasMessageContaining("minGuessesLog10");
        assertThat(PasswordPolicy.DEFAULT.minLength()).isEqualTo(15);
        assertThat(PasswordPolicy.DEFAULT.maxLength()).isEqualTo(256);
    }
}
