package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image verification streams in constant memory: a child JVM with -Xmx32m verifies a large image. */
class ConstantMemoryTest {
    @TempDir
    Path dir;

    private void verifyInChild(long length, int timeoutSeconds) throws Exception {
        TestKeys.SigningKey k = TestKeys.ed25519();
        RootMetadata root = RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(k.pub())
                .rootThreshold(1).updateKey(k.pub()).updateThreshold(1).build();
        UpdateMetadata md = UpdateMetadata.builder().version(1).hardwareId("hw").imageLength(length)
                .imageSha256(PatternStream.sha256(length)).expires(TestKeys.NEXT_YEAR).securityUpdate(false)
                .reason("memory").build();
        Files.write(dir.resolve("root.json"), TestKeys.root(root, k));
        Files.write(dir.resolve("update.json"), TestKeys.update(md, k));
        ExternalTools.Result r = ExternalTools.run(ExternalTools.javaCommand(
                ExternalTools.snapshotClassPath(Files.createDirectories(dir.resolve("classpath"))), "32m", ConstantMemoryCheck.class,
                dir.resolve("root.json").toString(), dir.resolve("update.json").toString(), Long.toString(length),
                TestKeys.NOW.toString()), timeoutSeconds);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("verified 1");
    }

    @Test
    void copyImage_256MiBInChildJvmWith32MiBHeap_verifies() throws Exception {
        verifyInChild(256L << 20, 120);
    }

    @Test
    @Tag("slow")
    void copyImage_2GiBInChildJvmWith32MiBHeap_verifies() throws Exception {
        verifyInChild(2L << 30, 600);
    }
}
