package io.devsec.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeclarationsTest {

    static final String VALID = "{\"schemaVersion\":1,"
            + "\"manufacturer\":{\"name\":\"Example Devices Ltd\",\"address\":\"1 Example Street\"},"
            + "\"product\":{\"name\":\"Demo Thermostat\",\"model\":\"DT-100\"},"
            + "\"declaredBy\":{\"name\":\"Jane Doe\",\"role\":\"PSIRT lead\",\"date\":\"2026-11-30\"},"
            + "\"conditions\":{\"constrainedDevice\":false,\"telemetryCollected\":true},"
            + "\"vulnerabilityHandling\":{\"acknowledgementDays\":5,\"statusUpdateDays\":30,\"fixTargetDays\":90,"
            + "\"policyUrl\":\"https://example.com/policy\"},"
            + "\"supportPeriod\":{\"endDate\":\"2031-12-31\",\"endOfLifePolicyUrl\":\"https://example.com/eol\"},"
            + "\"secureDevelopmentProcess\":\"SDL\","
            + "\"sbomMonitoring\":{\"sbom\":\"bom.json\",\"monitoredBy\":\"OSV daily\"},"
            + "\"provisions\":{\"5.6-4\":{\"met\":true,\"detail\":\"JTAG fused off\"}},"
            + "\"justifications\":{\"5.7-1\":\"no secure boot on this SoC\"}}";

    static InputStream in(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parse_validFile_readsEveryInput() throws Exception {
        Declarations d = Declarations.parse(in(VALID));
        assertThat(d.manufacturerName()).isEqualTo("Example Devices Ltd");
        assertThat(d.declarant()).isEqualTo("Jane Doe (PSIRT lead), 2026-11-30");
        assertThat(d.condition(Condition.CONSTRAINED_DEVICE)).contains(false);
        assertThat(d.condition(Condition.USER_AUTHENTICATION)).isEmpty();
        assertThat(d.acknowledgementDays()).contains(5);
        assertThat(d.statusUpdateDays()).contains(30);
        assertThat(d.supportPeriodEnd()).contains(LocalDate.of(2031, 12, 31));
        assertThat(d.provision("5.6-4").get().detail()).isEqualTo("JTAG fused off");
        assertThat(d.justification("5.7-1")).contains("no secure boot on this SoC");
    }

    @Test
    void parse_minimalFile_leavesEveryOtherInputEmpty() throws Exception {
        Declarations d = Declarations.parse(in("{\"schemaVersion\":1,\"manufacturer\":{\"name\":\"M\"},"
                + "\"product\":{\"name\":\"P\"},\"declaredBy\":{\"name\":\"N\",\"date\":\"2026-01-01\"}}"));
        assertThat(d.acknowledgementDays()).isEmpty();
        assertThat(d.supportPeriodEnd()).isEmpty();
        assertThat(d.productModel()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level field|\"schemaVersion\":1|\"schemaVersion\":1,\"extra\":true|$.extra",
        "unknown nested field|\"fixTargetDays\":90|\"fixTargetDays\":90,\"ackDays\":3|$.vulnerabilityHandling.ackDays",
        "duplicate field|\"schemaVersion\":1|\"schemaVersion\":1,\"schemaVersion\":1|$",
        "wrong type for days|\"acknowledgementDays\":5|\"acknowledgementDays\":\"5\"|$.vulnerabilityHandling.acknowledgementDays",
        "days out of range|\"statusUpdateDays\":30|\"statusUpdateDays\":0|$.vulnerabilityHandling.statusUpdateDays",
        "wrong type for condition|\"constrainedDevice\":false|\"constrainedDevice\":\"no\"|$.conditions.constrainedDevice",
        "unknown condition|\"constrainedDevice\":false|\"batteryPowered\":false|$.conditions.batteryPowered",
        "malformed date|\"2031-12-31\"|\"31/12/2031\"|$.supportPeriod.endDate",
        "http URL|\"https://example.com/eol\"|\"http://example.com/eol\"|$.supportPeriod.endOfLifePolicyUrl",
        "unknown provision|\"5.6-4\"|\"5.6-10\"|$.provisions.5.6-10",
        "statement without met|{\"met\":true,\"detail\":\"JTAG fused off\"}|{\"detail\":\"JTAG fused off\"}|$.provisions.5.6-4.met",
        "wrong schema version|\"schemaVersion\":1|\"schemaVersion\":2|$.schemaVersion",
        "empty manufacturer name|\"Example Devices Ltd\"|\"  \"|$.manufacturer.name",
        "missing declarant date|,\"date\":\"2026-11-30\"||$.declaredBy.date",
    })
    void parse_invalidInput_refusedNamingThePath(String name, String from, String to, String path) {
        String json = VALID.replace(from, to == null ? "" : to);
        assertThat(json).isNotEqualTo(VALID);
        assertThatThrownBy(() -> Declarations.parse(in(json)))
                .isInstanceOf(DeclarationsException.class)
                .satisfies(e -> assertThat(((DeclarationsException) e).path()).isEqualTo(path))
                .hasMessageStartingWith(path + ":");
    }

    @Test
    void parse_notJson_refused() {
        assertThatThrownBy(() -> Declarations.parse(in("{\"schemaVersion\":1,")))
                .isInstanceOf(DeclarationsException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void schemaResource_isPublished() throws Exception {
        try (InputStream s = Declarations.class.getResourceAsStream(Declarations.SCHEMA_RESOURCE)) {
            assertThat(s).isNotNull();
            String schema = new String(s.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(schema).contains("\"additionalProperties\": false").contains("acknowledgementDays")
                    .contains("endOfLifePolicyUrl");
        }
    }
}
