package genesyslake.deploy;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures deploy/kubernetes and deploy/systemd agree with application.properties: every variable they set names a
 * setting, the ports and paths are the management port's, the election's Role and labels are what lake.ha.mode=kubernetes
 * needs, the password comes from a file, state sits on the volume, and a stop gets at least lake.shutdown.timeout.
 */
@UnitTest
class DeploymentTest {

    private static final Properties SETTINGS = new Properties();
    private static final Map<String, Map<String, Object>> K8S = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            SETTINGS.load(in);
        }
        for (Object doc : new Load(LoadSettings.builder().build())
                .loadAllFromString(Files.readString(Path.of("deploy/kubernetes/genesys-lake.yaml")))) {
            Map<String, Object> m = map(doc);
            K8S.put((String) m.get("kind"), m);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "a list: " + o);
        return (List<Object>) o;
    }

    private static Map<String, Object> at(Map<String, Object> m, String... path) {
        for (String p : path) {
            m = map(m.get(p));
        }
        return m;
    }

    /** The environment variable Camel reads for a setting: upper case, every other character an underscore. */
    private static Map<String, String> envNames() {
        return SETTINGS.stringPropertyNames().stream().collect(Collectors.toMap(
                k -> k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), k -> k, (a, b) -> a));
    }

    private static Duration shutdownTimeout() {
        String v = SETTINGS.getProperty("lake.shutdown.timeout", "15s").trim();
        return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
    }

    private static Map<String, Object> container() {
        return map(list(at(K8S.get("Deployment"), "spec", "template", "spec").get("containers")).get(0));
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        for (Object o : list(container().get("env"))) {
            Map<String, Object> e = map(o);
            env.put((String) e.get("name"), e.get("value") == null ? null : e.get("value").toString());
        }
        return env;
    }

    private static String mountOf(String volume) {
        for (Object o : list(container().get("volumeMounts"))) {
            if (volume.equals(map(o).get("name"))) {
                return (String) map(o).get("mountPath");
            }
        }
        throw new AssertionError("no mount of volume " + volume);
    }

    @Test
    void everyVariableTheDeploymentSetsIsASetting() {
        Map<String, String> names = envNames();
        for (String name : env().keySet()) {
            assertTrue(names.containsKey(name), name + " names no key of application.properties");
        }
        assertFalse(env().containsKey("LAKE_MANAGEMENT_PASSWORD"), "the password is a file, not an environment variable");
        assertEquals("kubernetes", env().get("LAKE_HA_MODE"));
        assertEquals(2, at(K8S.get("Deployment"), "spec").get("replicas"));
    }

    @Test
    void portsProbesAndScrapeAreTheManagementPorts() {
        String port = SETTINGS.getProperty("camel.management.port");
        assertEquals(port, env().get("CAMEL_MANAGEMENT_PORT"));
        Map<String, Object> declared = map(list(container().get("ports")).get(0));
        assertEquals(Integer.parseInt(port), declared.get("containerPort"));
        Map<String, Object> annotations = at(K8S.get("Deployment"), "spec", "template", "metadata", "annotations");
        assertEquals(port, annotations.get("prometheus.io/port"));
        assertEquals(SETTINGS.getProperty("camel.metrics.path"), annotations.get("prometheus.io/path"));
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> get = at(container(), probe, "httpGet");
            assertEquals(declared.get("name"), get.get("port"), probe);
            assertTrue(List.of("/observe/health/live", "/observe/health/ready").contains(get.get("path")), probe);
        }
        assertEquals("/observe/health/live", at(container(), "livenessProbe", "httpGet").get("path"));
        // The issue asked readiness on /ready; on purpose it is /live: Camel's Lease election (KubernetesLeadershipController
        // .isPodReady) counts only ready pods, and /ready is DOWN while the lake is stale, so a stale lake would leave no pod
        // allowed to lead and catch it up. The manifest's comment and the README's Kubernetes section say the same.
        assertEquals("/observe/health/live", at(container(), "readinessProbe", "httpGet").get("path"),
                "readiness must mean 'can lead', not 'the lake is fresh' (see the README's Kubernetes section)");
        assertEquals("status.podIP", at(env2("LAKE_MANAGEMENT_ALLOWED_HOSTS"), "valueFrom", "fieldRef").get("fieldPath"),
                "the kubelet's probes send Host: <pod IP>");
    }

    private static Map<String, Object> env2(String name) {
        return list(container().get("env")).stream().map(DeploymentTest::map).filter(e -> name.equals(e.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }

    @Test
    void theElectionHasItsRoleItsLabelsAndThePodsName() {
        assertEquals("genesys-lake", K8S.get("ServiceAccount").get("metadata") == null ? null
                : at(K8S.get("ServiceAccount"), "metadata").get("name"));
        assertEquals(at(K8S.get("ServiceAccount"), "metadata").get("name"),
                at(K8S.get("Deployment"), "spec", "template", "spec").get("serviceAccountName"));
        List<String> leaseVerbs = new ArrayList<>();
        List<String> podVerbs = new ArrayList<>();
        for (Object o : list(K8S.get("Role").get("rules"))) {
            Map<String, Object> rule = map(o);
            List<Object> verbs = list(rule.get("verbs"));
            if (list(rule.get("apiGroups")).contains("coordination.k8s.io") && list(rule.get("resources")).contains("leases")) {
                verbs.forEach(v -> leaseVerbs.add((String) v));
            }
            if (list(rule.get("apiGroups")).contains("") && list(rule.get("resources")).contains("pods")) {
                verbs.forEach(v -> podVerbs.add((String) v));
            }
        }
        assertTrue(leaseVerbs.containsAll(List.of("get", "create", "update")), "leases: " + leaseVerbs);
        assertTrue(podVerbs.contains("list"), "the election lists the group's pods: " + podVerbs);
        Map<String, Object> binding = K8S.get("RoleBinding");
        assertEquals(at(K8S.get("Role"), "metadata").get("name"), at(binding, "roleRef").get("name"));
        assertEquals("genesys-lake", map(list(binding.get("subjects")).get(0)).get("name"));
        // The pods carry lake.ha.kubernetes.pod-labels (the election's members), and lead under their own name.
        Map<String, Object> labels = at(K8S.get("Deployment"), "spec", "template", "metadata", "labels");
        for (String pair : SETTINGS.getProperty("lake.ha.kubernetes.pod-labels").split(",")) {
            String[] kv = pair.trim().split("=", 2);
            assertEquals(kv[1], labels.get(kv[0]), "pod label " + kv[0]);
        }
        assertEquals("metadata.name", at(env2("LAKE_HA_INSTANCE_ID"), "valueFrom", "fieldRef").get("fieldPath"));
    }

    @Test
    void thePasswordIsTheSecretsFileAndStateIsOnTheVolume() {
        String secretMount = mountOf("operator");
        String file = env().get("LAKE_MANAGEMENT_PASSWORD_FILE");
        assertNotNull(file);
        assertTrue(file.startsWith(secretMount + "/"), file + " under " + secretMount);
        Map<String, Object> secretVolume = list(at(K8S.get("Deployment"), "spec", "template", "spec").get("volumes"))
                .stream().map(DeploymentTest::map).filter(v -> "operator".equals(v.get("name"))).findFirst().orElseThrow();
        List<Object> items = list(at(secretVolume, "secret").get("items"));
        assertEquals(file.substring(secretMount.length() + 1), map(items.get(0)).get("path"));
        String state = mountOf("state");
        assertEquals(state, env().get("LOCAL_DATA_DIR"), "state-dir, work-dir, ... default under local.data-dir");
        assertTrue(SETTINGS.getProperty("lake.state-dir").startsWith("{{local.data-dir}}"));
        assertTrue(env().get("LAKE_HA_LOCK_DIR").startsWith(state + "/"), "the HA group's lock folder is shared");
        assertTrue(list(at(K8S.get("PersistentVolumeClaim"), "spec").get("accessModes")).contains("ReadWriteMany"),
                "both pods mount the state");
        long grace = ((Number) at(K8S.get("Deployment"), "spec", "template", "spec").get("terminationGracePeriodSeconds"))
                .longValue();
        assertTrue(grace >= shutdownTimeout().toSeconds(), "grace " + grace + "s < lake.shutdown.timeout");
    }

    @Test
    void theSystemdUnitRunsTheJarRestartsOnFailureAndWaitsForAGracefulStop() throws Exception {
        Map<String, List<String>> unit = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("deploy/systemd/genesys-lake.service"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                unit.computeIfAbsent(line.substring(0, eq).trim(), k -> new ArrayList<>()).add(line.substring(eq + 1).trim());
            }
        }
        String exec = unit.get("ExecStart").get(0);
        assertTrue(exec.matches("\\S*java -jar \\S+\\.jar.*"), exec);
        assertEquals(List.of("on-failure"), unit.get("Restart"));
        Duration stop = Duration.ofSeconds(Long.parseLong(unit.get("TimeoutStopSec").get(0).replace("s", "")));
        assertTrue(stop.compareTo(shutdownTimeout()) >= 0, "TimeoutStopSec " + stop + " < lake.shutdown.timeout");
        Map<String, String> names = envNames();
        for (String assignment : unit.get("Environment")) {
            String name = assignment.substring(0, assignment.indexOf('='));
            assertTrue(names.containsKey(name), name + " names no key of application.properties");
        }
        assertTrue(unit.get("Environment").contains("LAKE_MANAGEMENT_PASSWORD_FILE=%d/operator-password"));
        assertTrue(unit.get("LoadCredential").get(0).startsWith("operator-password:"));
    }
}
