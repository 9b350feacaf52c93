package genesyslake;

import genesyslake.lake.LakeNames;
import genesyslake.catalog.CatalogRefresh;
import genesyslake.catalog.LakeCatalog;
import genesyslake.config.SettingChecks;
import genesyslake.config.Settings;
import genesyslake.genesys.DetailsExport;
import genesyslake.config.MillisFunction;
import genesyslake.genesys.GenesysComponent;
import genesyslake.genesys.GenesysEndpoints;
import genesyslake.genesys.GenesysHttp;
import genesyslake.genesys.RateGovernor;
import genesyslake.genesys.RetryPolicy;
import genesyslake.genesys.UsageExport;
import genesyslake.lake.AwsClients;
import genesyslake.lake.CuratedConversions;
import genesyslake.lake.DeadLetters;
import genesyslake.lake.FlatFormat;
import genesyslake.lake.ParquetConverter;
import genesyslake.lake.LakeLock;
import genesyslake.lake.LakeRuns;
import genesyslake.lake.Watermarks;
import genesyslake.lake.HaCluster;
import genesyslake.management.FlowHealth;
import genesyslake.management.FlowHistory;
import genesyslake.management.FlowSchedules;
import genesyslake.management.FlowRunner;
import genesyslake.management.Flows;
import genesyslake.management.FlowRuns;
import genesyslake.management.JmxRegistration;
import genesyslake.management.JolokiaOffTheQueue;
import genesyslake.management.LakeMetrics;
import genesyslake.management.ManagementPort;
import genesyslake.management.ManagementSecurity;
import genesyslake.management.RemoteJmx;
import genesyslake.management.OneRunAtATime;
import genesyslake.management.RouteReloadGuard;
import genesyslake.management.StatusPage;
import genesyslake.management.StatusServer;
import genesyslake.mode.StandIns;
import genesyslake.query.DetailsQuery;
import genesyslake.query.QueryFiles;
import genesyslake.report.Reports;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.cluster.ClusteredRoutePolicyFactory;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Binds every bean the routes use. Local and AWS mode differ only here: which Genesys URL and credentials, and
 * which S3/Glue/Athena endpoints the clients talk to. In local mode the in-process servers start first.
 */
public class LakeConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LakeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = Settings.of(context.getPropertiesComponent());
        SettingChecks.check(s); // every setting, in one line naming the key, before any server starts
        LakeLock.takeFor(context, s, mode(s)); // then, before any server starts: one writer per lake and per folder
        ManagementPort.checkFree(s); // before any server starts, so a refusal leaves nothing listening
        FlatFormat flatFormat = FlatFormat.parse(s.string(FlatFormat.SETTING, "parquet"));
        context.getPropertiesComponent().addPropertiesFunction(new MillisFunction(context));
        context.getPropertiesComponent().addPropertiesFunction(new genesyslake.config.ScheduleFunction(context));
        Registry registry = context.getRegistry();
        String mode = mode(s);
        Clock clock = Clock.systemUTC();

        GenesysEndpoints genesysEndpoints;
        String clientId;
        String clientSecret;
        AwsClients aws;
        if (mode.equals("local")) {
            // Local mode with genesys.api-url set keeps the lake local but talks to that Genesys (a real org, or a
            // local Genesys that outlives the daemon).
            boolean ownGenesys = s.optional("genesys.api-url").isEmpty();
            // The crawler's targets follow the flows once the routes are loaded (LakeCatalog, then catalog-refresh).
            StandIns.Running local = StandIns.required(s.optional("lake.mode").isEmpty()).start(new StandIns.Needs(s,
                    ownGenesys, java.util.List.of(),
                    java.util.List.of(s.string("lake.source-bucket"), s.string("lake.results-bucket"))));
            context.addService(local, true, true);
            registry.bind("localStack", local);
            if (ownGenesys) {
                URI url = local.genesysUrl().orElseThrow();
                genesysEndpoints = new GenesysEndpoints(url, url);
                clientId = s.string("local.genesys.client-id");
                clientSecret = s.string("local.genesys.client-secret");
            } else {
                genesysEndpoints = GenesysEndpoints.resolve(s.string("genesys.region", ""), s.string("genesys.api-url", ""),
                        s.string("genesys.login-url", ""));
                clientId = s.string("genesys.client-id");
                clientSecret = s.string("genesys.client-secret");
            }
            aws = AwsClients.local(s.string("aws.region"), local.s3Endpoint().toString(), local.awsEndpoint().toString(),
                    s.string("local.s3.access-key"), s.string("local.s3.secret-key"));
        } else {
            genesysEndpoints = GenesysEndpoints.resolve(s.string("genesys.region", ""), s.string("genesys.api-url", ""),
                    s.string("genesys.login-url", ""));
            clientId = s.string("genesys.client-id");
            clientSecret = s.string("genesys.client-secret");
            aws = AwsClients.aws(s.string("aws.region"), s.string("aws.endpoint-override", ""));
            LOG.info("AWS mode: Genesys API {}, AWS region {}{}", genesysEndpoints.apiUrl(), s.string("aws.region"),
                    s.optional("aws.endpoint-override").map(e -> ", endpoint " + e).orElse(""));
        }

        S3Client s3 = aws.s3();
        registry.bind("s3Client", s3);
        registry.bind("athenaClient", aws.athena());
        GlueClient glue = aws.glue();
        registry.bind("glueClient", glue);
        // The lake's tables as the flows declare them, derived from the routes when the context starts and after each
        // reload: crawler targets, projection DDL and the reports' table names all follow it.
        LakeCatalog lakeCatalog = new LakeCatalog(context, s.string("lake.source-bucket"), flatFormat);
        registry.bind(LakeNames.CATALOG_BEAN, lakeCatalog);
        CatalogRefresh catalogRefresh = new CatalogRefresh(glue, lakeCatalog, s.string("glue.database"), flatFormat);
        registry.bind("catalog", catalogRefresh);
        if (mode.equals("local")) {
            // The local crawler starts with no targets: it gets the flows' ones (and restores its views over them)
            // and a flow's other bucket exists, before any run.
            lakeCatalog.onChange(c -> {
                c.buckets().forEach(b -> createBucketIfMissing(s3, b));
                catalogRefresh.syncCrawler(s.string("glue.crawler"));
            });
        }
        context.addService(lakeCatalog, true, true);
        Reports reports = new Reports(Path.of(s.string("athena.reports-dir")), s.string("athena.reports", ""),
                Path.of(s.string("lake.reports-dir")), s.decimal("alert.rate-limit-share", 0.05));
        String database = s.string("glue.database");
        reports.setCatalog(lakeCatalog, table -> {
            try {
                glue.getTable(b -> b.databaseName(database).name(table));
                return true;
            } catch (software.amazon.awssdk.services.glue.model.EntityNotFoundException e) {
                return false;
            }
        });
        registry.bind("reports", reports);

        GenesysHttp genesys = new GenesysHttp(genesysEndpoints, clientId, clientSecret,
                new RateGovernor(s.integer("genesys.rate-limit.requests-per-minute", 240)),
                new RetryPolicy(s.integer("genesys.retry.max-attempts", 8),
                        s.duration("genesys.retry.initial-backoff", Duration.ofSeconds(1)),
                        s.duration("genesys.retry.max-backoff", Duration.ofSeconds(60))),
                s.duration("genesys.http.timeout", Duration.ofSeconds(60)));

        Watermarks watermarks = new Watermarks(Path.of(s.string("lake.state-dir")));
        LakeRuns runs = new LakeRuns(Path.of(s.string("lake.work-dir")), watermarks);
        // DuckDB converts curated objects to Parquet and, in either flat format, computes the daily summaries.
        runs.curated(new CuratedConversions(flatFormat, new ParquetConverter(Path.of(s.string("lake.work-dir")).resolve("duckdb"),
                s.string(ParquetConverter.MEMORY_LIMIT, "512MB"), s.integer(ParquetConverter.THREADS, 2))));
        registry.bind(LakeNames.RUNS_BEAN, runs);
        DeadLetters deadLetters = new DeadLetters(Path.of(s.string("lake.dead-letter-dir")), s3,
                s.string("lake.source-bucket"));
        deadLetters.setWatermarks(watermarks);
        registry.bind("deadLetters", deadLetters);

        // The flows' steps: routes/*.camel.yaml declare the flows; these make one request or do one step each.
        registry.bind("genesys", new GenesysComponent(genesys, Path.of(s.string("lake.work-dir")).resolve("genesys")));
        registry.bind("genesysClient", genesys);
        QueryFiles queryFiles = new QueryFiles(Path.of(s.string(QueryFiles.SETTING)));
        UsageExport usage = new UsageExport(runs, clock, queryFiles);
        registry.bind("usageExport", usage);
        validateAtStartup("usage-export", "usage.query-files", () -> usage.queries(s.string("usage.query-files")));
        DetailsExport details = new DetailsExport(runs, clock, queryFiles);
        registry.bind("details", details);
        // Reference flows (routes/reference.camel.yaml): the day's dim Parquet beside each snapshot.
        registry.bind("reference", new genesyslake.lake.ReferenceExport(runs, clock, s3, new ParquetConverter(
                Path.of(s.string("lake.work-dir")).resolve("duckdb"), s.string(ParquetConverter.MEMORY_LIMIT, "512MB"),
                s.integer(ParquetConverter.THREADS, 2))));
        validateAtStartup("conversation-details", "conversations.query-file", () -> queryFiles.details(
                Path.of(s.string("conversations.query-file")), DetailsQuery.Kind.CONVERSATIONS));
        validateAtStartup("user-details", "users.query-file", () -> queryFiles.details(Path.of(s.string("users.query-file")),
                DetailsQuery.Kind.USERS));
        // Before the routes are created, so every flow route gets it (and a route file added later too).
        FlowHistory history = new FlowHistory(10, clock);
        context.addRoutePolicyFactory(history);
        FlowSchedules schedules = new FlowSchedules(clock);
        context.addRoutePolicyFactory(schedules); // notes the timers' ticks, for each flow's next run on the page
        OneRunAtATime oneRunAtATime = new OneRunAtATime();
        registry.bind("oneRunAtATime", oneRunAtATime);
        // A stop (SIGTERM) tells every run to end at its next page (OneRunAtATime gives each run a RunCancel that says
        // so), so Camel's wait for the runs in flight is short; lake.shutdown.timeout bounds it (Camel's own: 45 s).
        context.getShutdownStrategy().setTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(s.duration("lake.shutdown.timeout", Duration.ofSeconds(15)).toMillis());

        if (HaCluster.enabled(s)) {
            // Several instances for availability, one exporting: routes start only on the leader (file lock or Lease).
            CamelClusterService cluster = HaCluster.service(s);
            context.addService(cluster);
            context.addRoutePolicyFactory(ClusteredRoutePolicyFactory.forNamespace("genesys-lake"));
            LOG.info("High availability ({}): routes run only while this instance ({}) leads", HaCluster.mode(s),
                    cluster.getId() == null ? "the pod's host name" : cluster.getId());
        }

        // After a reload the catalog follows the edited flows; an edit whose tables clash is put back.
        context.getManagementStrategy().addEventNotifier(new RouteReloadGuard(context, () -> lakeCatalog.rebuild()));
        context.getManagementStrategy().addEventNotifier(new genesyslake.management.StartupBanner(context, s));
        String operatorPassword = ManagementSecurity.operatorPassword(s);
        ManagementSecurity.install(context, s.string("lake.management.user", ""), operatorPassword,
                s.string("lake.management.allowed-hosts", ""));

        FlowRunner flows = new FlowRunner(context);
        registry.bind("flows", flows);
        FlowRuns flowRuns = new FlowRuns(context, oneRunAtATime, s.integer("lake.management.run-threads", 4), 50);
        context.addService(flowRuns, true, true);
        Flows flowsMBean = new Flows(flows, watermarks, s.integer("details.max-days-per-run", 7),
                s.integer(Flows.CONFIRM_DAYS, 92), flowRuns).order(s.string(Flows.ORDER, "oldest-first"));
        registry.bind("flowsMBean", flowsMBean);
        context.addService(new JmxRegistration(flowsMBean.timeBoxed(s.duration("lake.management.sync-timeout",
                Duration.ofSeconds(30))), Flows.OBJECT_NAME), true, true);
        RemoteJmx remoteJmx = RemoteJmx.fromSettings(s, s.string("lake.management.user", ""), operatorPassword);
        if (remoteJmx != null) {
            context.addService(remoteJmx, true, true);
        }
        JolokiaOffTheQueue.install(context);
FlowHealth flowHealth = new FlowHealth(history, watermarks,
                key -> context.getPropertiesComponent().resolveProperty(key).filter(v -> !v.isBlank()), clock::instant);
                StatusServer.install(context, new StatusPage(() -> FlowRunner.flows(context), history, watermarks,
                new StatusPage.S3Manifests(s3, s.string("lake.source-bucket")), Path.of(s.string("lake.reports-dir")),
                s.string("lake.status.chart-report", "top10-rate-limited-clients"), s.integer("lake.status.days", 14),
                (int) s.duration("lake.status.refresh", Duration.ofSeconds(10)).toSeconds(), clock).withHealth(flowHealth)
                .withSchedules(names -> schedules.next(context, names)));
        LakeMetrics metrics = new LakeMetrics(context, genesys.stats(), watermarks);
        context.addService(metrics, true, false);
        runs.onRunEnded(run -> metrics.runEnded(run.flow(), run.records().get(), run.pages().get(), run.complete()));
        registerHealth(context, flowHealth);
    }

    /** Per-flow readiness checks on Camel's health-check registry (served at /observe/health on the management port). */
    private static void registerHealth(CamelContext context, FlowHealth health) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            registry.register(health);
        } else {
            context.getRegistry().bind(FlowHealth.ID, health); // camel-main registers repositories found here
        }
    }

    /** Local mode only: a flow may write to a bucket of its own, which the local S3 then has to have. */
    private static void createBucketIfMissing(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.info("Local S3: created bucket {} for the flows that write there", bucket);
        }
    }

    /** local unless set, or unless a Genesys client id is configured. */
    static String mode(Settings s) {
        String mode = s.optional("lake.mode").orElse(s.optional("genesys.client-id").isPresent() ? "aws" : "local");
        if (!mode.equals("local") && !mode.equals("aws")) {
            throw new Settings.SettingsException("lake.mode", "must be one of local, aws, was '" + mode + "'");
        }
        return mode;
    }

    /** A bad query file is reported at start-up, but only that flow fails; the daemon keeps serving the others. */
    private static void validateAtStartup(String flow, String setting, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            LOG.error("Flow {} will fail until this is fixed ({}): {}", flow, setting, e.getMessage());
        }
    }
}
