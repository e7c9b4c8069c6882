package io.osprey.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyProviderTest {
  @TempDir Path tmp;

  @Test
  void parsesTheKeysFlagForm() {
    assertThat(KeyProvider.parseKeys("devkey: secret")).containsEntry("devkey", "secret");
    assertThat(KeyProvider.parseKeys("# keys\nk1: s1\n\nk2: \"s:2\"\n")).containsEntry("k1", "s1").containsEntry("k2", "s:2");
    assertThatThrownBy(() -> KeyProvider.parseKeys("k1 s1")).hasMessageContaining("line 1 is not 'key: secret'");
    assertThatThrownBy(() -> KeyProvider.parseKeys("k1:")).hasMessageContaining("line 1");
  }

  @Test
  void readsAPrivateKeyFileAndRefusesAWorldReadableOne() throws IOException {
    Path file = tmp.resolve("keys.yaml");
    Files.writeString(file, "APIabc: supersecret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(KeyProvider.readKeyFile(file)).containsEntry("APIabc", "supersecret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyProvider.readKeyFile(file)).hasMessageContaining("readable by other users");
  }
}
