package genesyslake.local;

import genesyslake.config.Settings;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures local mode's servers start together rather than one after another, and that a failed start still ends as
 * it did one by one: the servers that started are closed, a port in use is a refusal naming its setting (the first
 * failed server's, in the order they were added), and an Error (a native library that cannot load) is thrown as it is.
 */
@UnitTest
class ServersStartingTest {

    private static final Settings SETTINGS = new Settings(key -> Optional.ofNullable(Map.of("local.s3.port", "19000",
            "local.aws.port", "19001").get(key)));

    /** Each start waits for the other one to be under way: started one after another, the first would never return. */
    @Test
    void theServersStartAtOnce() throws Exception {
        CyclicBarrier bothStarting = new CyclicBarrier(2);
        ServersStarting starting = new ServersStarting(SETTINGS);
        ServersStarting.Server<String> s3 = starting.start("local.s3.port", () -> {
            bothStarting.await(30, TimeUnit.SECONDS);
            return "s3";
        }, s -> { });
        ServersStarting.Server<String> aws = starting.start("local.aws.port", () -> {
            bothStarting.await(30, TimeUnit.SECONDS);
            return "aws";
        }, s -> { });
        starting.await();
        assertEquals("s3", s3.get());
        assertEquals("aws", aws.get());
    }

    @Test
    void aPortInUseRefusesNamingItsSettingAfterClosingTheServersThatStarted() {
        List<String> closed = new CopyOnWriteArrayList<>();
        ServersStarting starting = new ServersStarting(SETTINGS);
        starting.start("local.s3.port", () -> "s3", closed::add);
        starting.start("local.aws.port", () -> {
            throw new IllegalStateException("Local Glue/Athena could not start", new BindException("Address already in use"));
        }, s -> closed.add("aws"));
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, starting::await);
        assertTrue(e.getMessage().contains("local.aws.port") && e.getMessage().contains("19001")
                && e.getMessage().contains("already in use"), e.getMessage());
        assertEquals(List.of("s3"), closed, "the server that started is closed, the one that failed is not");
    }

    @Test
    void theFirstFailureInTheOrderAddedIsTheOneThrown() {
        ServersStarting starting = new ServersStarting(SETTINGS);
        CyclicBarrier bothFailing = new CyclicBarrier(2);
        starting.start("local.s3.port", () -> {
            bothFailing.await(30, TimeUnit.SECONDS);
            Thread.sleep(50); // fails after the second one
            throw new BindException("Address already in use");
        }, s -> { });
        starting.start("local.aws.port", () -> {
            bothFailing.await(30, TimeUnit.SECONDS);
            throw new BindException("Address already in use");
        }, s -> { });
        Settings.SettingsException e = assertThrows(Settings.SettingsException.class, starting::await);
        assertTrue(e.getMessage().contains("local.s3.port"), e.getMessage());
    }

    @Test
    void anErrorIsThrownAsItIs() {
        ExceptionInInitializerError error = new ExceptionInInitializerError("DuckDB: File too large");
        List<String> closed = new CopyOnWriteArrayList<>();
        ServersStarting starting = new ServersStarting(SETTINGS);
        starting.start("local.s3.port", () -> "s3", closed::add);
        starting.start("local.aws.port", () -> {
            throw error;
        }, s -> { });
        assertSame(error, assertThrows(ExceptionInInitializerError.class, starting::await));
        assertEquals(List.of("s3"), closed);
    }
}
