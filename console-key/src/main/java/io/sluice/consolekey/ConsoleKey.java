package io.sluice.consolekey;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Set;

/**
 * Makes the key pair {@code bin/sluice console} logs in with: the private key as PKCS#8 PEM in a file only its owner
 * may read (what Karaf's client reads with {@code -k}), the public key printed in the form {@code etc/keys.properties}
 * takes (the base64 OpenSSH blob, as in {@code authorized_keys}). Karaf's {@code karaf} realm checks it with its
 * public key login module, so the console needs no password, and none appears on a command line for {@code ps} to show.
 *
 * <p>Usage: {@code java -cp sluice-console-key.jar io.sluice.consolekey.ConsoleKey <private key file>}
 */
public final class ConsoleKey {

    private static final int BITS = 3072;

    private ConsoleKey() {
    }

    /** Writes the private key to {@code args[0]} (refusing to overwrite one) and prints the public key. */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        if (args.length != 1) {
            System.err.println("usage: ConsoleKey <private key file>");
            System.exit(2);
        }
        KeyPair pair = generate();
        write(Path.of(args[0]), pem(pair));
        System.out.println(publicKey((RSAPublicKey) pair.getPublic()));
    }

    static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(BITS);
        return generator.generateKeyPair();
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    static String pem(KeyPair pair) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** The public key as OpenSSH's wire blob, base64: {@code string "ssh-rsa", mpint e, mpint n}. */
    static String publicKey(RSAPublicKey key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
            writeString(out, key.getPublicExponent().toByteArray());
            writeString(out, key.getModulus().toByteArray());
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    // BigInteger.toByteArray() is already the two's complement form an SSH mpint wants.
    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static void write(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** For tests: the modulus a printed public key carries. */
    static BigInteger modulusOf(String publicKey) {
        java.nio.ByteBuffer blob = java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(publicKey));
        for (int field = 0; field < 2; field++) {
            int length = blob.getInt();
            blob.position(blob.position() + length);
        }
        byte[] modulus = new byte[blob.getInt()];
        blob.get(modulus);
        return new BigInteger(modulus);
    }
}
