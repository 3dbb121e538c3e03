package dev.hauberk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void absentFileIsCreatedPrivate() throws Exception {
        Path file = dir.resolve("etc/hauberk/api-token");

        ApiToken token = ApiToken.loadOrCreate(file);

        String text = Files.readString(file);
        assertThat(text).matches("[0-9a-f]{64}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(token.matches(text.strip())).isTrue();
    }

    @Test
    void existingFileIsReused() throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        ApiToken token = ApiToken.loadOrCreate(file);

        assertThat(token.matches(TOKEN)).isTrue();
        assertThat(Files.readString(file)).isEqualTo(TOKEN + "\n");
    }

    @Test
    void fileReadableByOthersIsRejected() throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, TOKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ApiToken.loadOrCreate(file))
                .isInstanceOf(IOException.class)
                .hasMessage("API token file " + file + " has mode rw-r--r--, so group or others can access it; run chmod"
                        + " 600 " + file + " and replace the token, which may have been read")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void fileWritableByGroupIsRejected() throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, TOKEN);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));

        assertThatThrownBy(() -> ApiToken.loadOrCreate(file)).hasMessageContaining("has mode rw--w----");
    }

    @Test
    void symbolicLinkIsRejected() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, TOKEN);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("api-token"), target);

        assertThatThrownBy(() -> ApiToken.loadOrCreate(link)).hasMessageContaining("is not a regular file but a symbolic link");
    }

    @Test
    void shortTokenIsRejected() throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, "secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> ApiToken.loadOrCreate(file))
                .hasMessageContaining("does not contain a token of at least 32 printable ASCII characters")
                .hasMessageNotContaining("secret");
    }

    @Test
    void wrongTokensDoNotMatch() {
        ApiToken token = ApiToken.of(TOKEN);

        assertThat(token.matches(TOKEN)).isTrue();
        assertThat(token.matches(TOKEN + "0")).isFalse();
        assertThat(token.matches(TOKEN.substring(1))).isFalse();
        assertThat(token.matches("")).isFalse();
    }

    @Test
    void fingerprintNeverShowsTheToken() {
        ApiToken token = ApiToken.of(TOKEN);

        assertThat(token.fingerprint()).matches("sha256:[0-9a-f]{16}");
        assertThat(token.fingerprint()).doesNotContain(TOKEN.substring(0, 8));
        assertThat(token.toString()).doesNotContain(TOKEN).contains(token.fingerprint());
    }

    @Test
    void loopbackHostsKeepReadsOpen() {
        assertThat(new HttpApiOptions("127.0.0.1", 0).tokenRequiredForReads()).isFalse();
        assertThat(new HttpApiOptions("127.0.0.2", 0).tokenRequiredForReads()).isFalse();
        assertThat(new HttpApiOptions("::1", 0).tokenRequiredForReads()).isFalse();
        assertThat(new HttpApiOptions("0.0.0.0", 0).tokenRequiredForReads()).isTrue();
        assertThat(new HttpApiOptions("::", 0).tokenRequiredForReads()).isTrue();
        assertThat(new HttpApiOptions("10.1.2.3", 0).tokenRequiredForReads()).isTrue();
        assertThat(new HttpApiOptions("localhost", 0).tokenRequiredForReads()).isTrue();
    }
}
