package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final String k1 = SecretBox.newKey();
    private final String k2 = SecretBox.newKey();

    @Test
    void sealsAndOpens() {
        SecretBox box = SecretBox.fromSpec("k1:" + k1);
        String sealed = box.seal("sk-upstream-secret-1234");
        assertThat(sealed).startsWith("k1:").doesNotContain("sk-upstream");
        assertThat(box.open(sealed)).isEqualTo("sk-upstream-secret-1234");
        assertThat(box.seal("same")).isNotEqualTo(box.seal("same"));
    }

    @Test
    void rotationKeepsOldCiphertextReadable() {
        String old = SecretBox.fromSpec("k1:" + k1).seal("secret");
        SecretBox rotated = SecretBox.fromSpec("k2:" + k2 + ",k1:" + k1);
        assertThat(rotated.open(old)).isEqualTo("secret");
        assertThat(rotated.needsRotation(old)).isTrue();
        assertThat(rotated.seal("secret")).startsWith("k2:");
    }

    @Test
    void tamperedCiphertextIsRefusedWithoutDetail() {
        SecretBox box = SecretBox.fromSpec("k1:" + k1);
        String sealed = box.seal("secret");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String tampered = "k1:" + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> box.open(tampered)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sealed secret cannot be opened with data key 'k1'");
    }

    @Test
    void keyIdIsBoundToTheCiphertext() {
        SecretBox box = SecretBox.fromSpec("k1:" + k1 + ",k2:" + k1);
        String sealed = box.seal("secret");
        assertThatThrownBy(() -> box.open("k2:" + sealed.substring(3))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownKeyIdAndBadSpecsAreExplained() {
        SecretBox box = SecretBox.fromSpec("k1:" + k1);
        assertThatThrownBy(() -> box.open("zz:AAAA")).hasMessageContaining("unknown data key id 'zz'");
        assertThatThrownBy(() -> SecretBox.fromSpec("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SecretBox.fromSpec("k1:" + Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("must be 32 bytes, got 16");
        assertThatThrownBy(() -> SecretBox.fromSpec("k1:not base64!")).hasMessage("data key 'k1' is not valid base64")
                .hasMessageNotContaining("not base64!");
    }
}
