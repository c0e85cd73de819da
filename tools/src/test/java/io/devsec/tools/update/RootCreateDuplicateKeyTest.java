package io.devsec.tools.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.update.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import io.devsec.tools.testing.Cli;
import io.devsec.tools.testing.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9.3: {@code root create} refuses a key listed twice under its two P-256 encodings. */
class RootCreateDuplicateKeyTest {
    @TempDir
    Path dir;

    Run devsec(String... args) {
        return Cli.run(args);
    }

    String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Writes {@code to} with the public key of {@code from}, its point compressed (another DER, another key id). */
    void writeCompressed(String from, String to) throws Exception {
        VerificationKey key = VerificationKey.fromPem(Files.readString(dir.resolve(from)));
        ECPublicKeyParameters ec = (ECPublicKeyParameters) PublicKeyFactory.createKey(key.subjectPublicKeyInfo());
        byte[] der = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                SECObjectIdentifiers.secp256r1), ec.getQ().getEncoded(true)).getEncoded("DER");
        VerificationKey compressed = VerificationKey.fromSubjectPublicKeyInfo(der);
        assertThat(compressed.keyId()).isNotEqualTo(key.keyId());
        Files.writeString(dir.resolve(to), compressed.toPem());
    }

    @Test
    void rootCreate_updateKeyTwiceUnderBothEncodings_refusedWithExitTwo() throws Exception {
        assertThat(devsec("keygen", "--algorithm", "ed25519", "--out", p("r")).exit()).isZero();
        assertThat(devsec("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")).exit()).isZero();
        writeCompressed("k.pub", "k-compressed.pub");

        Run r = devsec("root", "create", "--key", p("r.pub"), "--threshold", "1", "--update-key", p("k.pub"),
                "--update-key", p("k-compressed.pub"), "--update-threshold", "2", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("r.key"), "--out", p("root.json"));

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("k.pub").contains("k-compressed.pub").contains("same public key");
        assertThat(dir.resolve("root.json")).doesNotExist();
    }

    @Test
    void rootCreate_rootKeyTwiceUnderBothEncodings_refusedWithExitTwo() throws Exception {
        assertThat(devsec("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")).exit()).isZero();
        assertThat(devsec("keygen", "--algorithm", "ed25519", "--out", p("u")).exit()).isZero();
        writeCompressed("k.pub", "k-compressed.pub");

        Run r = devsec("root", "create", "--key", p("k.pub"), "--key", p("k-compressed.pub"), "--threshold", "2",
                "--update-key", p("u.pub"), "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z",
                "--sign-with", p("k.key"), "--out", p("root.json"));

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("same public key");
        assertThat(dir.resolve("root.json")).doesNotExist();
    }

    @Test
    void rootCreate_oneKeyFileForBothRoles_stillAccepted() throws Exception {
        assertThat(devsec("keygen", "--algorithm", "ecdsa-p256", "--out", p("k")).exit()).isZero();
        Run r = devsec("root", "create", "--key", p("k.pub"), "--threshold", "1", "--update-key", p("k.pub"),
                "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("k.key"),
                "--out", p("root.json"));
        assertThat(r.exit()).as(r.err()).isZero();
    }
}
