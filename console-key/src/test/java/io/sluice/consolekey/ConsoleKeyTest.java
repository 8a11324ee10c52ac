package io.sluice.consolekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The two halves written belong together and are in the forms Karaf's client and realm read. */
class ConsoleKeyTest {

    @Test
    void thePemPrivateKeyAndThePrintedPublicKeyAreOnePair() throws Exception {
        KeyPair pair = ConsoleKey.generate();
        String pem = ConsoleKey.pem(pair);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n") && pem.endsWith("-----END PRIVATE KEY-----\n"), pem);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        RSAPrivateCrtKey read = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));

        String printed = ConsoleKey.publicKey((RSAPublicKey) pair.getPublic());
        byte[] blob = Base64.getDecoder().decode(printed);
        assertEquals("ssh-rsa", new String(blob, 4, 7, StandardCharsets.US_ASCII), "an OpenSSH RSA blob");
        assertEquals(read.getModulus(), ConsoleKey.modulusOf(printed));
    }
}
