package genesyslake.lake;

import genesyslake.config.Settings;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The leader election of a high-availability group, by {@value #MODE}: {@code file}, a lock file in
 * {@code lake.ha.lock-dir} (a shared disk such as EFS), or {@code kubernetes}, a coordination.k8s.io Lease held through
 * the Kubernetes API (camel-kubernetes' lease election: only pods that are running and ready and carry
 * {@code lake.ha.kubernetes.pod-labels} may lead). Whichever holds it runs the routes (ClusteredRoutePolicy).
 */
public final class HaCluster {

    public static final String ENABLED = "lake.ha.enabled";
    public static final String MODE = "lake.ha.mode";
    static final String K8S = "lake.ha.kubernetes.";
    /** File mode: how often an instance tries the lock file (Camel's acquireLockInterval; the same on every instance). */
    static final String FILE_INTERVAL = "lake.ha.file.acquire-lock-interval";

    private HaCluster() {
    }

    /** True with {@value #ENABLED}, or with {@value #MODE}=kubernetes (the mode alone says what the operator wants). */
    public static boolean enabled(Settings s) {
        return s.bool(ENABLED, false) || mode(s).equals("kubernetes");
    }

    /** file or kubernetes. */
    public static String mode(Settings s) {
        String mode = s.string(MODE, "file").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("file") && !mode.equals("kubernetes")) {
            throw new Settings.SettingsException(MODE, "must be file or kubernetes, was '" + s.string(MODE, "") + "'");
        }
        return mode;
    }

    /**
     * The cluster service for {@value #MODE}, named by {@code lake.ha.instance-id} (blank: the JVM's name in file mode,
     * the pod's host name in kubernetes mode, which must be the pod's name for the election to count it).
     */
    public static CamelClusterService service(Settings s) {
        String id = s.string("lake.ha.instance-id", "").trim();
        if (mode(s).equals("file")) {
            FileLockClusterService cluster = new FileLockClusterService();
            cluster.setRoot(s.string("lake.ha.lock-dir"));
            cluster.setId(id.isEmpty() ? java.lang.management.ManagementFactory.getRuntimeMXBean().getName() : id);
            // A standby takes over within one interval of the leader's end; the first leader is chosen after one too
            // (when the lock folder shows no member yet), and a leader silent for 5 intervals counts as gone.
            Duration interval = s.duration(FILE_INTERVAL, Duration.ofSeconds(10));
            cluster.setAcquireLockInterval(interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return cluster;
        }
        // Camel 4.18 applies masterUrl and namespace only onto a configuration given to it, so give it one.
        KubernetesConfiguration client = new KubernetesConfiguration();
        String master = s.string(K8S + "master-url", "").trim();
        if (!master.isEmpty()) {
            client.setMasterUrl(master); // blank: in the cluster, from the service account
        }
        String namespace = s.string(K8S + "namespace", "").trim();
        if (!namespace.isEmpty()) {
            client.setNamespace(namespace);
        }
        KubernetesClusterService cluster = new KubernetesClusterService(client);
        if (!namespace.isEmpty()) {
            cluster.setKubernetesResourcesNamespace(namespace);
        }
        if (!id.isEmpty()) {
            cluster.setPodName(id);
            cluster.setId(id);
        }
        cluster.setKubernetesResourceName(s.string(K8S + "lease-name", "genesys-lake"));
        cluster.setClusterLabels(labels(s.string(K8S + "pod-labels", "app=genesys-lake")));
        Duration lease = s.duration(K8S + "lease-duration", Duration.ofSeconds(15));
        Duration renew = s.duration(K8S + "renew-deadline", Duration.ofSeconds(10));
        Duration retry = s.duration(K8S + "retry-period", Duration.ofSeconds(2));
        if (lease.toSeconds() < 1 || renew.compareTo(lease) >= 0 || retry.compareTo(renew) >= 0) {
            throw new Settings.SettingsException(K8S + "lease-duration", "needs lease-duration (at least 1s) > "
                    + "renew-deadline > retry-period, was " + lease + " > " + renew + " > " + retry);
        }
        cluster.setLeaseDurationMillis(lease.toMillis());
        cluster.setRenewDeadlineMillis(renew.toMillis());
        cluster.setRetryPeriodMillis(retry.toMillis());
        return cluster;
    }

    /** "k=v,k2=v2" as a label selector's map. */
    static Map<String, String> labels(String setting) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : setting.split(",")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new Settings.SettingsException(K8S + "pod-labels", "'" + p + "' is not name=value; e.g. "
                        + K8S + "pod-labels=app=genesys-lake");
            }
            labels.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        if (labels.isEmpty()) {
            throw new Settings.SettingsException(K8S + "pod-labels", "is empty: name the labels of the group's pods");
        }
        return labels;
    }
}
