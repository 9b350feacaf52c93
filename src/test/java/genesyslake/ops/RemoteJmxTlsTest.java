package genesyslake.ops;

import genesyslake.testsupport.ProcessTest;

import genesyslake.testsupport.LocalDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures lake.jmx.ssl=true serves remote JMX over TLS with the key store the settings name (made here with keytool):
 * a client in its own JVM that trusts the certificate (as jconsole with -Djavax.net.ssl.trustStore) runs a flow with
 * the operator's login, and is refused without the login; a client that does not trust it, or speaks plain RMI, gets
 * nothing. The daemon's own JVM trusts nothing extra, so the server cannot depend on trusting itself.
 */
@ProcessTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteJmxTlsTest {

    private static final String STORE_PASSWORD = "store-pass-42";
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    private Path dir;
    private Path trustStore;
    private LocalDaemon daemon;
    private String url;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("remote-jmx-tls");
        Path keyStore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "lake", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        Path cert = dir.resolve("server.crt");
        keytool("-exportcert", "-alias", "lake", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", cert.toString());
        trustStore = dir.resolve("client-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "lake", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trust-pass");
        Path storePassword = dir.resolve("key-store-password");
        Files.writeString(storePassword, STORE_PASSWORD + "\n");
        Path password = dir.resolve("operator-password");
        Files.writeString(password, "tls-s3cret\n");

        int port = Ops.freePort();
        daemon = LocalDaemon.start(Map.of("usage.query-files", "queries/usage-query.json",
                "lake.management.user", "operator", "lake.management.password-file", password.toString(),
                "lake.jmx.port", Integer.toString(port), "lake.jmx.ssl", "true", "lake.jmx.key-store", keyStore.toString(),
                "lake.jmx.key-store-password-file", storePassword.toString()));
        url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.closeAndDelete();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // clients in JVMs of their own, of the one daemon
    void aClientTrustingTheCertificateRunsAFlowWithTheOperatorsLoginOverTls() throws Exception {
        String out = client(true, "tls", "operator", "tls-s3cret");
        assertTrue(out.startsWith("ok success=true records="), out);
        assertTrue(Long.parseLong(out.substring(out.indexOf("records=") + 8).trim()) > 0, out);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // clients in JVMs of their own, of the one daemon
    void overTlsWithoutTheLoginOrWithAWrongPasswordTheConnectionIsRefused() throws Exception {
        String none = client(true, "tls", "operator", "-");
        assertTrue(none.startsWith("refused java.lang.SecurityException") && none.contains("JMX login refused"), none);
        String wrong = client(true, "tls", "operator", "not-it");
        assertTrue(wrong.startsWith("refused java.lang.SecurityException"), wrong);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT) // clients in JVMs of their own, of the one daemon
    void aClientNotTrustingTheCertificateOrSpeakingPlainRmiGetsNothing() throws Exception {
        String untrusted = client(false, "tls", "operator", "tls-s3cret");
        assertTrue(untrusted.startsWith("refused ") && untrusted.contains("SSLHandshakeException"), untrusted);
        String plain = client(true, "plain", "operator", "tls-s3cret");
        assertTrue(plain.startsWith("refused "), "a plain RMI client cannot talk to the TLS port: " + plain);
        assertTrue(!plain.contains("ok success"), plain);
    }

    /** Runs JmxClient.java (test resources) in its own JVM; its one line of output. */
    private String client(boolean trust, String mode, String user, String password) throws Exception {
        Path source = Path.of("src/test/resources/jmx-client/JmxClient.java").toAbsolutePath();
        List<String> cmd = new ArrayList<>(genesyslake.testsupport.ChildJvm.java());
        if (trust) {
            cmd.addAll(List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=trust-pass",
                    "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        // A plain client must not wait long for a TLS server's answer it cannot read.
        cmd.addAll(List.of("-Dsun.rmi.transport.tcp.responseTimeout=15000", source.toString(), url, mode, user, password,
                "usage-export"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!ended) {
            p.destroyForcibly();
        }
        assertTrue(ended, "the client did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KEYTOOL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }
}
