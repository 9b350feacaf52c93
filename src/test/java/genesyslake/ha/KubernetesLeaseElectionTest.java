package genesyslake.ha;

import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.LocalDaemon;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures lake.ha.mode=kubernetes elects one leader through a coordination.k8s.io Lease (against fabric8's Kubernetes
 * API server stand-in in CRUD mode): exactly one of two pods runs the flows, never both, and when the leader stops
 * (its process ends, its pod turns not ready) the other pod takes the Lease over and runs them.
 */
@FlowTest
class KubernetesLeaseElectionTest {

    private static final String NS = "lake";
    private KubernetesMockServer api;
    private KubernetesClient client;

    @BeforeEach
    void startApi() {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
                false);
        api.init();
        client = api.createClient();
        for (String pod : List.of("lake-0", "lake-1")) {
            client.pods().inNamespace(NS).resource(readyPod(pod)).create();
        }
    }

    @AfterEach
    void stopApi() {
        client.close();
        api.destroy();
    }

    /** A pod as the kubelet reports it once its readiness probe passes: the election counts only these. */
    private static Pod readyPod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", "genesys-lake")
                .endMetadata().withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build();
    }

    private Map<String, String> settings(String pod, Path lockDir) {
        return Map.of("lake.ha.mode", "kubernetes", "lake.ha.instance-id", pod, "lake.ha.lock-dir", lockDir.toString(),
                "lake.ha.kubernetes.master-url", api.url("/"), "lake.ha.kubernetes.namespace", NS,
                "lake.ha.kubernetes.lease-duration", "3s", "lake.ha.kubernetes.renew-deadline", "2s",
                "lake.ha.kubernetes.retry-period", "500ms");
    }

    private static boolean leads(LocalDaemon d) {
        return d.context().getRouteController().getRouteStatus("usage-export") == ServiceStatus.Started;
    }

    private String holder() {
        List<Lease> leases = client.leases().inNamespace(NS).list().getItems();
        return leases.isEmpty() ? null : leases.get(0).getSpec().getHolderIdentity();
    }

    @Test
    void oneLeaderNeverTwoAndTheOtherTakesOverWhenItStopsRenewing(@TempDir Path lock) throws Exception {
        LocalDaemon first = LocalDaemon.start(settings("lake-0", lock));
        LocalDaemon second = LocalDaemon.start(settings("lake-1", lock));
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!leads(first) && !leads(second) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(leads(first) || leads(second), "a leader was elected; lease holder " + holder());
            // Several lease periods: the election holds, and never both run the flows (two writers).
            for (int i = 0; i < 80; i++) {
                assertTrue(leads(first) ^ leads(second), "exactly one pod runs the flows (sample " + i + ")");
                Thread.sleep(100);
            }
            boolean firstLeads = leads(first);
            LocalDaemon leader = firstLeads ? first : second;
            LocalDaemon standby = firstLeads ? second : first;
            String leaderPod = firstLeads ? "lake-0" : "lake-1";
            String standbyPod = firstLeads ? "lake-1" : "lake-0";
            assertEquals(leaderPod, holder(), "the Lease names the leader");
            assertEquals(1, client.leases().inNamespace(NS).list().getItems().size(), "one Lease for the group");

            // The leader stops renewing: its process ends, and the kubelet marks its pod not ready once the readiness
            // probe fails (Camel's election counts a leader as long as its pod is running and ready).
            leader.closeAndDelete();
            if (firstLeads) {
                first = null;
            } else {
                second = null;
            }
            for (int i = 0; i < 20; i++) {
                assertTrue(!leads(standby), "no takeover while the old leader's pod still counts");
                Thread.sleep(100);
            }
            Pod notReady = readyPod(leaderPod);
            notReady.getStatus().getConditions().get(0).setStatus("False");
            client.pods().inNamespace(NS).resource(notReady).updateStatus();
            deadline = System.currentTimeMillis() + 60_000;
            while (!leads(standby) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(leads(standby), "the standby took over; lease holder " + holder());
            assertEquals(standbyPod, holder());
            Lease lease = client.leases().inNamespace(NS).list().getItems().get(0);
            assertNotNull(lease.getSpec().getRenewTime());
        } finally {
            if (first != null) {
                first.closeAndDelete();
            }
            if (second != null) {
                second.closeAndDelete();
            }
        }
    }
}
