package io.sluice.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final SecretBox box = new SecretBox(SecretBox.newKey());

    @Test
    void whatIsSealedOpensAgainAndDoesNotShowThePlainText() {
        String sealed = box.seal("s3cret-value");
        assertEquals("s3cret-value", box.open(sealed));
        assertFalse(new String(Base64.getDecoder().decode(sealed)).contains("s3cret"));
        assertNotEquals(sealed, box.seal("s3cret-value"), "each seal uses a fresh IV");
    }

    @Test
    void anotherKeyOrAChangedByteDoesNotOpen() {
        String sealed = box.seal("s3cret-value");
        assertThrows(IllegalArgumentException.class, () -> new SecretBox(SecretBox.newKey()).open(sealed));
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> box.open(Base64.getEncoder().encodeToString(bytes)));
    }

    @Test
    void aKeyThatIsNotThirtyTwoBytesOfBase64IsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SecretBox("c2hvcnQ="));
        assertEquals("encryptionKey must be 32 bytes (base64 of 32 random bytes), got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SecretBox("not base64!"));
    }
}
