package genesyslake.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.CrawlerRunningException;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.LastCrawlInfo;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs a Glue crawler once and waits for it: a crawl already under way is waited for first (not an error),
 * the outcome is Glue's LastCrawl of our run, and every wait is bounded by {@code maxWait}.
 */
public final class CrawlerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CrawlerRunner.class);

    private final GlueClient glue;

    public CrawlerRunner(GlueClient glue) {
        this.glue = glue;
    }

    /**
     * Starts {@code crawlerName} and waits until it is READY again.
     *
     * @throws CatalogException if the crawler does not exist, its crawl FAILED, or it is not READY within maxWait
     */
    public CrawlOutcome refresh(String crawlerName, Duration maxWait, Duration pollDelay) {
        long start = System.nanoTime();
        long deadline = start + maxWait.toNanos();
        Crawler before = crawler(crawlerName);
        if (before.state() != CrawlerState.READY) {
            LOG.info("Crawler {} is {}: waiting for it before starting a new crawl", crawlerName, before.stateAsString());
            before = awaitReady(crawlerName, deadline, maxWait, pollDelay, false, null);
        }
        try {
            glue.startCrawler(b -> b.name(crawlerName));
        } catch (CrawlerRunningException e) {
            // Someone else started it between our check and our start: wait for that crawl, then start ours.
            LOG.info("Crawler {} was started by someone else: waiting for that crawl", crawlerName);
            before = awaitReady(crawlerName, deadline, maxWait, pollDelay, false, null);
            try {
                glue.startCrawler(b -> b.name(crawlerName));
            } catch (CrawlerRunningException again) {
                throw new CatalogException("Crawler " + crawlerName + " is still being started by someone else: "
                        + again.awsErrorDetails().errorMessage(), again);
            }
        } catch (EntityNotFoundException e) {
            throw notFound(crawlerName, e);
        }
        Crawler done = awaitReady(crawlerName, deadline, maxWait, pollDelay, true, before.lastCrawl());
        LastCrawlInfo last = done.lastCrawl();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String status = last == null ? "UNKNOWN" : last.statusAsString();
        String message = last == null ? null : last.errorMessage();
        if ("FAILED".equals(status) || "CANCELLED".equals(status)) {
            throw new CatalogException("Crawler " + crawlerName + " " + status + ": "
                    + (message == null ? "(Glue gave no message)" : message));
        }
        CrawlOutcome outcome = new CrawlOutcome(crawlerName, status, took, message);
        LOG.info("Catalog refreshed: {}", outcome);
        return outcome;
    }

    /**
     * Polls until READY. For {@code newRun}, READY only counts once we have seen the crawl running or LastCrawl
     * differs from {@code previous}: right after StartCrawler a crawler may still report the previous run.
     */
    private Crawler awaitReady(String name, long deadline, Duration maxWait, Duration pollDelay, boolean newRun,
            LastCrawlInfo previous) {
        boolean sawRunning = false;
        while (true) {
            Crawler c = crawler(name);
            if (c.state() == CrawlerState.READY) {
                if (!newRun || sawRunning || c.lastCrawl() != null && !sameRun(previous, c.lastCrawl())) {
                    return c;
                }
            } else {
                sawRunning = true;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CatalogException("Crawler " + name + " not READY within " + maxWait + " (state "
                        + c.stateAsString() + ")");
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pollDelay.toMillis(),
                        Duration.ofNanos(deadline - System.nanoTime()).toMillis() + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogException("Interrupted while waiting for crawler " + name, e);
            }
        }
    }

    private static boolean sameRun(LastCrawlInfo a, LastCrawlInfo b) {
        if (a == null) {
            return false;
        }
        return Objects.equals(a.messagePrefix(), b.messagePrefix()) && Objects.equals(a.startTime(), b.startTime());
    }

    private Crawler crawler(String name) {
        try {
            return glue.getCrawler(b -> b.name(name)).crawler();
        } catch (EntityNotFoundException e) {
            throw notFound(name, e);
        }
    }

    private static CatalogException notFound(String name, EntityNotFoundException e) {
        return new CatalogException("Glue crawler " + name + " does not exist: " + e.awsErrorDetails().errorMessage(), e);
    }
}
