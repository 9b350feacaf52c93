package genesyslake.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lake lock on a bucket: a lock object written with S3 conditional puts (create: {@code If-None-Match: *}; renew,
 * take over, release: {@code If-Match: <etag>}), so of two writers racing for it exactly one wins. It holds a lease,
 * renewed every third of it while the holder runs; on a clean stop it is marked released (an overwrite: the daemon's
 * IAM policy has no s3:DeleteObject). A holder killed without a stop leaves a lease that nobody renews, and the next
 * writer takes it over once it is a lease old.
 *
 * <p>Ages are measured on S3's clock (the response's {@code Date} minus the object's {@code Last-Modified}), never by
 * comparing the clocks of two hosts; when a store sends no {@code Date}, from when this process first saw that version.
 * A live holder proves itself by renewing: a second writer is refused as soon as it sees the object change, at most a
 * third of a lease after it looked. A holder that cannot renew for a whole lease (or finds another holder's record)
 * stops writing: the callback given to {@link #startRenewing} stops the process.
 */
final class LeaseLock {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final Duration lease;
    private final String group;
    private final ObjectNode identity;
    private final String token = UUID.randomUUID().toString();
    private final Object renewing = new Object();
    private ScheduledExecutorService renewer;
    private volatile String etag;
    private volatile long safeUntil;
    private volatile boolean lost;
    private long renewals;

    /** What a read found: the version, its record (null if not JSON), and its age on S3's clock (null if unknown). */
    record Seen(String etag, JsonNode record, Duration age) {
    }

    /**
     * @param group    null for a single writer; the HA group id when the instances of a group hold it together
     * @param identity pid, host, since, role, command: what a refused writer is told
     */
    LeaseLock(S3Client s3, String bucket, String key, Duration lease, String group, ObjectNode identity) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.lease = lease;
        this.group = group;
        this.identity = identity;
    }

    String where() {
        return "s3://" + bucket + "/" + key;
    }

    String bucket() {
        return bucket;
    }

    /**
     * Takes the lock. A holder whose lease is running is watched until it renews (it is alive: refused once the
     * deadline has passed) or its lease runs out (taken over). Returns null when taken, else the live holder's record
     * (an empty object when it is not readable).
     */
    JsonNode acquire(long deadlineNanos) throws InterruptedException {
        String watched = null;
        long watchedSince = 0;
        boolean alive = false;
        boolean announced = false;
        Duration poll = lease.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? lease.dividedBy(10) : Duration.ofSeconds(1);
        while (true) {
            long now = System.nanoTime();
            Seen seen = read();
            if (seen == null) {
                if (put(null, now)) {
                    return null;
                }
                continue;
            }
            JsonNode r = seen.record() == null ? JSON.createObjectNode() : seen.record();
            if (token.equals(r.path("token").asText())) { // our own put, its answer lost and the retry refused
                etag = seen.etag();
                safeUntil = now + lease.minus(seen.age() == null ? Duration.ZERO : seen.age()).toNanos();
                return null;
            }
            boolean released = r.path("released").asBoolean(false);
            boolean ourGroup = group != null && !released && group.equals(r.path("group").asText(null));
            if (!seen.etag().equals(watched)) {
                alive |= watched != null; // it changed while we looked: its holder renews it
                watched = seen.etag();
                watchedSince = now;
            }
            Duration age = seen.age() != null ? seen.age() : Duration.ofNanos(now - watchedSince);
            Duration holderLease = r.hasNonNull("leaseSeconds") ? Duration.ofSeconds(r.get("leaseSeconds").asLong()) : lease;
            boolean expired = age.compareTo(holderLease) >= 0;
            boolean gone = !released && !ourGroup && !expired && goneFromThisHost(r);
            if (released || ourGroup || expired || gone) {
                if (gone) {
                    LOG.warn("Taking over the lake lock {} from {}: that process is gone from this host (killed?)", where(),
                            LakeLock.describe(r));
                } else if (expired && !released && !ourGroup) {
                    LOG.warn("Taking over the lake lock {} from {}: its lease ({}) ran out {} ago without a renewal "
                            + "(killed?)", where(), LakeLock.describe(r), holderLease, age.minus(holderLease).withNanos(0));
                }
                if (put(seen.etag(), now)) {
                    return null;
                }
                continue;
            }
            if (alive && now - deadlineNanos >= 0) {
                return r;
            }
            if (!announced) {
                LOG.info("The lake lock {} is {}, renewed {} ago: waiting up to {} for it to be renewed (a live holder) "
                        + "or to run out (taken over)", where(), LakeLock.describe(r), age.withNanos(0),
                        holderLease.minus(age).withNanos(0));
                announced = true;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /**
     * Whether the record's holder ran on this machine, in a pid namespace this process sees, and is no longer there
     * (no such pid, or a pid reused by a later process): then nobody will renew its lease, and waiting for the lease to
     * run out would only delay the restart after a SIGKILL. Never true where that cannot be known for sure (another
     * host, another container, another OS).
     */
    static boolean goneFromThisHost(JsonNode r) {
        java.util.Map<String, String> here = LakeLock.machine();
        if (here.isEmpty() || !r.hasNonNull("pid") || !r.hasNonNull("started")) {
            return false;
        }
        for (var e : here.entrySet()) {
            if (!e.getValue().equals(r.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        var process = ProcessHandle.of(r.get("pid").asLong());
        if (process.isEmpty()) {
            return true;
        }
        var started = process.get().info().startInstant();
        return started.isPresent() && !started.get().toString().equals(r.get("started").asText());
    }

    /** Renews the lease every third of it from now on; {@code onLost} runs (once) if the lock is lost. */
    void startRenewing(Runnable onLost) {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "genesys-lake-lock-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(() -> renew(onLost), every, every, TimeUnit.MILLISECONDS);
    }

    private void renew(Runnable onLost) {
        synchronized (renewing) {
            if (lost || etag == null) {
                return;
            }
            long start = System.nanoTime();
            try {
                if (!put(etag, start)) {
                    Seen seen = read();
                    JsonNode r = seen == null ? null : seen.record();
                    // Ours after all (our put landed, its answer was lost), or renewed by another instance of our HA group.
                    if (seen != null && r != null && !r.path("released").asBoolean(false) && (token.equals(r.path("token").asText())
                            || group != null && group.equals(r.path("group").asText(null)))) {
                        etag = seen.etag();
                        safeUntil = start + lease.minus(seen.age() == null ? Duration.ZERO : seen.age()).toNanos();
                        return;
                    }
                    lose(onLost, "another writer holds it now (" + (r == null ? "its record is gone" : LakeLock.describe(r)) + ")");
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() - safeUntil >= 0) {
                    lose(onLost, "it could not be renewed for a whole lease (" + lease + "): " + e.getMessage());
                } else {
                    LOG.warn("Could not renew the lake lock {} (retried in {} ms; the lease runs out in {} s): {}", where(),
                            Math.max(100, lease.toMillis() / 3), (safeUntil - System.nanoTime()) / 1_000_000_000L,
                            e.toString());
                }
            }
        }
    }

    private void lose(Runnable onLost, String why) {
        lost = true;
        LOG.error("Lost the lake lock {}: {}. Stopping, so that two writers never write the lake", where(), why);
        onLost.run();
    }

    boolean lost() {
        return lost;
    }

    /** On a clean stop: marks the lock released, unless it was lost or is shared by an HA group (others may run on). */
    void release() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        synchronized (renewing) {
            if (lost || etag == null || group != null) {
                etag = null;
                return;
            }
            try {
                ObjectNode r = record(true);
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifMatch(etag).contentType("application/json")
                        .build(), RequestBody.fromBytes(JSON.writeValueAsBytes(r)));
                LOG.debug("Released the lake lock {}", where());
            } catch (IOException | RuntimeException e) {
                // Not released: the next writer takes it over when its lease runs out.
                LOG.warn("Could not release the lake lock {} ({}); the next writer takes it over in at most {}", where(),
                        e.toString(), lease);
            } finally {
                etag = null;
            }
        }
    }

    /**
     * One conditional put of our record ({@code If-None-Match: *} when {@code ifMatch} is null), then a read to check
     * it is ours (a store that ignored the condition would let two writers both believe they won).
     */
    private boolean put(String ifMatch, long startNanos) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key).contentType("application/json");
        if (ifMatch == null) {
            b.ifNoneMatch("*");
        } else {
            b.ifMatch(ifMatch);
        }
        try {
            s3.putObject(b.build(), RequestBody.fromBytes(JSON.writeValueAsBytes(record(false))));
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) { // precondition failed, or a concurrent conditional write
                return false;
            }
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Seen seen = read();
        JsonNode r = seen == null ? null : seen.record();
        if (r == null || !token.equals(r.path("token").asText())) {
            return false;
        }
        etag = seen.etag();
        safeUntil = startNanos + lease.toNanos();
        return true;
    }

    private ObjectNode record(boolean released) {
        ObjectNode r = identity.deepCopy();
        r.put("token", token);
        if (group != null) {
            r.put("group", group);
        }
        r.put("leaseSeconds", Math.max(1, lease.toSeconds()));
        r.put("renewed", Instant.now().toString());
        r.put("renewals", renewals++); // the content, hence the ETag, changes with every renewal
        r.put("released", released);
        return r;
    }

    /** The lock object now, or null when there is none. */
    Seen read() {
        ResponseBytes<GetObjectResponse> got;
        try {
            got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            return null;
        }
        GetObjectResponse res = got.response();
        JsonNode record;
        try {
            record = JSON.readTree(got.asByteArray());
            record = record != null && record.isObject() ? record : null;
        } catch (IOException e) {
            record = null;
        }
        Duration age = null;
        var date = res.sdkHttpResponse().firstMatchingHeader("Date");
        if (date.isPresent() && res.lastModified() != null) {
            try {
                Instant s3Now = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                age = Duration.between(res.lastModified(), s3Now);
                age = age.isNegative() ? Duration.ZERO : age;
            } catch (RuntimeException e) {
                age = null;
            }
        }
        return new Seen(res.eTag(), record, age);
    }
}
