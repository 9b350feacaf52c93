package genesyslake.testsupport;

import genesyslake.GenesysLake;
import genesyslake.LakeConfiguration;
import genesyslake.lake.Watermarks;
import genesyslake.local.LocalStack;
import genesyslake.management.FlowOutcome;
import genesyslake.management.FlowRunner;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.PropertiesFunction;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real daemon (same configuration class, same route files, same application.properties) started in-process
 * for a test, in a fresh data folder, on free ports, with schedules off unless a test turns them on.
 */
public final class LocalDaemon implements AutoCloseable {

    /**
     * A test-side option, never a daemon setting: the first tick of every flow schedule after this many milliseconds
     * instead of the route's own delay ({@code {{schedule:NAME:PREFIX:DELAY}}}), so a test that waits for a timer's
     * first tick does not wait out the 5 s / 10 s a started daemon leaves itself. The schedule function still builds
     * the uri (period, cron); only its DELAY part changes.
     */
    public static final String FIRST_TICK_MS = "testsupport.first-tick-ms";

    private final Main main;
    private final Path dataDir;

    private LocalDaemon(Main main, Path dataDir) {
        this.main = main;
        this.dataDir = dataDir;
    }

    public static LocalDaemon start(Map<String, String> overrides) {
        try {
            return start(Files.createTempDirectory("genesys-lake-it"), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on an existing data folder (a restart keeps the lake and the state). */
    public static LocalDaemon start(Path dataDir, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("local.data-dir", dataDir.toString());
        props.put("local.genesys.port", "0");
        props.put("local.s3.port", "0");
        props.put("local.aws.port", "0");
        props.put("lake.schedule.enabled", "false");
        props.put("camel.main.routes-reload-enabled", "false");
        props.put("camel.management.enabled", "false");
        props.put("camel.metrics.enabled", "false");
        props.put("usage.poll.delay", "50ms");
        props.put("details.job.poll.delay", "50ms");
        // Jobs fulfilled by their polls (the stand-in's count model), as the tests' 50 ms polls expect, not the shipped 2 s.
        props.put("local.genesys.job-latency", "0");
        props.put("glue.poll.delay", "100ms");
        props.put("athena.delay", "100");
        props.put("lake.upload.redelivery-delay-ms", "50");
        props.put("genesys.retry.initial-backoff", "50ms");
        props.putAll(overrides);
        String firstTick = props.remove(FIRST_TICK_MS);
        Main main = new Main();
        if (firstTick == null) {
            main.configure().addConfiguration(LakeConfiguration.class);
        } else {
            main.configure().addConfiguration(new FirstTicks(Long.parseLong(firstTick)));
        }
        GenesysLake.refuseClashingFlows(main);
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        props.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            try {
                // What did start (the lake lock, local servers) goes, as when the process exits.
                if (main.getCamelContext() != null) {
                    main.getCamelContext().stop();
                }
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("daemon did not start: " + e.getMessage(), e);
        }
        return new LocalDaemon(main, dataDir);
    }

    /**
     * The daemon's configuration, then its schedule function wrapped to give it another first delay. One configuration
     * rather than a second one beside it: camel-main configures instances before classes, so a second would run first.
     */
    private record FirstTicks(long delayMs) implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) throws Exception {
            new LakeConfiguration().configure(context);
            var properties = context.getPropertiesComponent();
            PropertiesFunction schedule = properties.getPropertiesFunction("schedule");
            if (schedule == null) {
                throw new IllegalStateException("no schedule function to shorten: LakeConfiguration binds it");
            }
            properties.addPropertiesFunction(new PropertiesFunction() {
                @Override
                public String getName() {
                    return schedule.getName();
                }

                @Override
                public String apply(String remainder) {
                    String[] parts = remainder.split(":", 3);
                    return schedule.apply(parts.length < 2 ? remainder : parts[0] + ":" + parts[1] + ":" + delayMs);
                }
            });
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public FlowRunner flows() {
        return bean("flows", FlowRunner.class);
    }

    public FlowOutcome run(String flow, Map<String, Object> headers) {
        return flows().run(flow, headers);
    }

    public LocalStack local() {
        return bean("localStack", LocalStack.class);
    }

    public S3Client s3() {
        return bean("s3Client", S3Client.class);
    }

    public Lake lake() {
        return new Lake(s3(), context().resolvePropertyPlaceholders("{{lake.source-bucket}}"));
    }

    public Watermarks watermarks() {
        return new Watermarks(dataDir.resolve("state"));
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops and removes the data folder. */
    public void closeAndDelete() {
        close();
        try (Stream<Path> s = Files.walk(dataDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder: best effort
        }
    }
}
