package io.devsec.core.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisclosurePolicyTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    static DisclosurePolicy.Builder minimal() {
        return DisclosurePolicy.builder().clock(CLOCK).contact("mailto:security@acme.example")
                .expires(Instant.parse("2027-03-31T23:59:59Z"));
    }

    @Test
    void securityTxt_rendersRfc9116Fields() {
        DisclosurePolicy p = minimal().contact("https://acme.example/security/report")
                .encryption("https://acme.example/pgp-key.txt")
                .acknowledgments("https://acme.example/hall-of-fame")
                .preferredLanguage("en").preferredLanguage("de-CH")
                .canonical("https://acme.example/.well-known/security.txt")
                .policy("https://acme.example/disclosure-policy")
                .hiring("https://acme.example/jobs")
                .build();
        assertThat(p.securityTxt()).isEqualTo("""
                Contact: mailto:security@acme.example
                Contact: https://acme.example/security/report
                Expires: 2027-03-31T23:59:59Z
                Encryption: https://acme.example/pgp-key.txt
                Acknowledgments: https://acme.example/hall-of-fame
                Preferred-Languages: en, de-CH
                Canonical: https://acme.example/.well-known/security.txt
                Policy: https://acme.example/disclosure-policy
                Hiring: https://acme.example/jobs
                """);
        assertThat(p.policyUrl()).hasValueSatisfying(u -> assertThat(u.toString()).endsWith("disclosure-policy"));
    }

    @Test
    void securityTxt_everyLineIsAFieldOfTheRfc_expiresParsesAsIso8601() {
        String txt = minimal().build().securityTxt();
        List<String> names = List.of("Contact", "Expires", "Encryption", "Acknowledgments", "Preferred-Languages",
                "Canonical", "Policy", "Hiring");
        for (String line : txt.split("\n")) {
            assertThat(names).contains(line.substring(0, line.indexOf(':')));
            assertThat(line).matches("[A-Za-z-]+: \\S.*");
        }
        String expires = txt.lines().filter(l -> l.startsWith("Expires: ")).findFirst().orElseThrow().substring(9);
        assertThat(Instant.from(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(expires))).isEqualTo(Instant.parse("2027-03-31T23:59:59Z"));
        assertThat(txt.lines().filter(l -> l.startsWith("Expires:"))).hasSize(1);
    }

    @Test
    void build_missingContactOrExpires_namesTheField() {
        assertThatThrownBy(() -> DisclosurePolicy.builder().clock(CLOCK).expires(Instant.parse("2027-01-01T00:00:00Z")).build())
                .hasMessageContaining("contact");
        assertThatThrownBy(() -> DisclosurePolicy.builder().clock(CLOCK).contact("mailto:a@b.example").build())
                .hasMessageContaining("expires");
    }

    @Test
    void build_expiresInPastOrBeyondAYear_refused_unlessAllowed() {
        assertThatThrownBy(() -> minimal().expires(Instant.parse("2026-05-01T00:00:00Z")).build()).hasMessageContaining("future");
        assertThatThrownBy(() -> minimal().expires(Instant.parse("2027-07-01T00:00:00Z")).build()).hasMessageContaining("year");
        assertThat(minimal().expires(Instant.parse("2027-07-01T00:00:00Z")).allowExpiryBeyondOneYear().build().expires())
                .isEqualTo(Instant.parse("2027-07-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://acme.example/report",
        "ftp://acme.example/",
        "https://acme.example/x\r\nExpires: 2099-01-01T00:00:00Z",
        "https://acme.example/x\nContact: mailto:evil@attacker.example",
        "https://acme.example/%0d%0aContact:evil",
        "https://user:pw@acme.example/",
        "https:///nohost",
        "javascript:alert(1)",
        "mailto:a@b.example?bcc=evil@attacker.example",
        "mailto:a@b.example,evil@attacker.example",
        "mailto:a@b.example%0aBcc:evil@attacker.example",
        "mailto:not-an-address",
        "https://acme.example/ space",
        "",
    })
    void contact_unsafeOrNonHttps_refused(String value) {
        assertThatThrownBy(() -> DisclosurePolicy.builder().contact(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("contact");
    }

    @Test
    void otherFields_httpsOnly_andLanguagesWellFormed() {
        assertThatThrownBy(() -> DisclosurePolicy.builder().policy("http://acme.example/p")).hasMessageContaining("policy");
        assertThatThrownBy(() -> DisclosurePolicy.builder().encryption("mailto:a@b.example")).hasMessageContaining("encryption");
        assertThatThrownBy(() -> DisclosurePolicy.builder().preferredLanguage("en\nContact: x")).hasMessageContaining("preferredLanguage");
        assertThatThrownBy(() -> DisclosurePolicy.builder().preferredLanguage("123")).hasMessageContaining("preferredLanguage");
    }
}
