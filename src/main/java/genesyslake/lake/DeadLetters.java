package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects whose upload kept failing are moved here (file + meta.json with the key) instead of being dropped,
 * and replayed later by the dead-letter-replay route. A replay never overwrites a newer object under the same key.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final S3Client s3;
    private final String bucket;

    private volatile Watermarks watermarks;
    /** Letters whose meta.json is unreadable, reported once each. */
    private final java.util.Set<Path> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DeadLetters(Path dir, S3Client s3, String bucket) {
        this.dir = dir;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Lets a replay that completes a scheduled run advance that flow's watermark. */
    public void setWatermarks(Watermarks watermarks) {
        this.watermarks = watermarks;
    }

    /** Called by the upload route's error handler once redeliveries are exhausted. */
    public void keep(Exchange exchange) {
        LakeObject object = exchange.getProperty(LakeNames.OBJECT, LakeObject.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ExportRun run = exchange.getProperty(LakeNames.RUN, ExportRun.class);
        try {
            Path letter = OwnerOnly.createDirectories(dir.resolve(Instant.now().toEpochMilli() + "-" + UUID.randomUUID()));
            Path kept = letter.resolve("object");
            Files.move(object.file(), kept, StandardCopyOption.REPLACE_EXISTING);
            DeadLetter meta = run == null
                    ? new DeadLetter(bucketOf(object), object.key(), object.records(), Instant.now().toString(),
                            String.valueOf(cause), null, null, null, null, null, null)
                    : new DeadLetter(bucketOf(object), object.key(), object.records(), Instant.now().toString(),
                            String.valueOf(cause), run.flow(), run.runId(), LakeRuns.manifestKey(run),
                            run.completeApartFromUploads(), !run.explicit(), run.completeUntil().toString());
            if (run != null) {
                run.deadLettered(object.key());
            }
            // Whole or absent (written aside, then moved): a letter without a readable meta.json cannot be replayed.
            Path tmp = letter.resolve("meta.json.tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(OwnerOnly.newOutputStream(tmp), meta);
            Files.move(tmp, letter.resolve("meta.json"), StandardCopyOption.ATOMIC_MOVE);
            LOG.error("Upload of s3://{}/{} failed after retries ({}); kept {} records in {} for replay",
                    bucketOf(object), object.key(), cause, object.records(), letter);
        } catch (IOException e) {
            throw new UncheckedIOException("Upload of " + object.key() + " failed and it could not be kept in " + dir
                    + "; the work file stays at " + object.file(), e);
        }
    }

    /** Pending letters as objects to upload again; letters older than the lake's copy are discarded. */
    public List<LakeObject> pending() throws IOException {
        List<LakeObject> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> letters = Files.list(dir)) {
            for (Path letter : letters.sorted().toList()) {
                Path object = letter.resolve("object");
                if (!Files.isDirectory(letter) || !Files.exists(object)) {
                    continue;
                }
                DeadLetter meta = meta(letter);
                if (meta == null) {
                    // A letter being written right now has no meta.json yet: only an older one is reported.
                    boolean settled = Files.getLastModifiedTime(letter).toInstant().isBefore(Instant.now().minusSeconds(60));
                    if (settled && unreadable.add(letter)) {
                        LOG.warn("Dead letter {} has no readable meta.json (was the disk full?): it is kept, not replayed. "
                                + "Its records are in {}: restore meta.json from a backup, or upload that file to its key "
                                + "by hand and delete the letter", letter, object);
                    }
                    continue;
                }
                String key = meta.key();
                String in = meta.bucket() == null ? bucket : meta.bucket();
                if (newerInLake(in, key, Instant.parse(meta.keptAt()))) {
                    LOG.info("Dead letter {} is older than s3://{}/{}; discarding it", letter, in, key);
                    LakeRuns.deleteTree(letter);
                    continue;
                }
                out.add(new LakeObject(key, object, meta.records(), Files.size(object), Files.size(object), in));
            }
        }
        return out;
    }

    /**
     * After a successful replay upload. When it was its run's last letter, returns the run's manifest rewritten to say
     * every object landed (complete, unless the run lacked something else), as a lake object for s3-put, and keeps
     * the letter's record in the property {@value LakeNames#REPLAYED_LETTER} for {@link #manifestCompleted}; else null.
     */
    public LakeObject replayed(Exchange exchange) throws IOException {
        LakeObject object = exchange.getProperty(LakeNames.OBJECT, LakeObject.class);
        LOG.info("Replayed dead letter s3://{}/{} ({} records)", bucketOf(object), object.key(), object.records());
        Path letter = object.file().getParent();
        DeadLetter meta = meta(letter);
        LakeRuns.deleteTree(letter);
        if (meta == null || !meta.ofRun() || hasLettersOf(meta.runId())) {
            return null;
        }
        String in = bucketOf(object);
        String key = meta.manifestKey();
        try {
            // Read here (one GET); written by s3-put, the lake's one writer, like every other object.
            RunManifest manifest = JSON.readValue(s3.getObjectAsBytes(b -> b.bucket(in).key(key)).asByteArray(),
                    RunManifest.class).everyObjectLanded(Boolean.TRUE.equals(meta.completeApartFromUploads()), Instant.now());
            // Beside the letters, not in a letter's folder: pending() lists folders only.
            Path file = dir.resolve("manifest-" + meta.runId() + ".json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(OwnerOnly.newOutputStream(file), manifest);
            exchange.setProperty(LakeNames.REPLAYED_LETTER, meta);
            return new LakeObject(key, file, 1, Files.size(file), Files.size(file), in);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Run {}: its objects all landed, but its manifest s3://{}/{} could not be read: {}",
                    meta.runId(), in, key, e.toString());
            return null;
        }
    }

    /** After s3-put wrote the rewritten manifest: a complete scheduled run's watermark advances. */
    public void manifestCompleted(Exchange exchange) throws IOException {
        LakeObject manifest = exchange.getProperty(LakeNames.OBJECT, LakeObject.class);
        DeadLetter meta = exchange.getProperty(LakeNames.REPLAYED_LETTER, DeadLetter.class);
        Files.deleteIfExists(manifest.file());
        boolean complete = Boolean.TRUE.equals(meta.completeApartFromUploads());
        if (complete && Boolean.TRUE.equals(meta.scheduled()) && watermarks != null) {
            watermarks.advance(meta.flow(), Instant.parse(meta.completeUntil()));
        }
        LOG.info("Run {} of {}: every object has landed after replay; s3://{}/{} now says complete={}",
                meta.runId(), meta.flow(), manifest.bucket(), manifest.key(), complete);
    }

    /** When s3-put could not write the rewritten manifest: said once, the file removed (the run's letters are gone). */
    public void manifestNotCompleted(Exchange exchange) throws IOException {
        LakeObject manifest = exchange.getProperty(LakeNames.OBJECT, LakeObject.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Files.deleteIfExists(manifest.file());
        LOG.warn("Run {}: its objects all landed, but its manifest s3://{}/{} could not be updated: {}",
                exchange.getProperty(LakeNames.REPLAYED_LETTER, DeadLetter.class).runId(), manifest.bucket(),
                manifest.key(), String.valueOf(cause));
    }

    /** A letter's meta.json, or null when it is missing, empty, not JSON, or lacks the key and the time it was kept. */
    private static DeadLetter meta(Path letter) {
        try {
            DeadLetter meta = JSON.readValue(letter.resolve("meta.json").toFile(), DeadLetter.class);
            if (meta == null || meta.key() == null || meta.keptAt() == null) {
                return null;
            }
            Instant.parse(meta.keptAt());
            return meta;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean hasLettersOf(String runId) throws IOException {
        try (Stream<Path> letters = Files.list(dir)) {
            for (Path l : letters.toList()) {
                DeadLetter m = meta(l);
                if (m != null && runId.equals(m.runId())) {
                    return true;
                }
            }
        }
        return false;
    }

    public int count() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        }
    }

    private String bucketOf(LakeObject object) {
        return object.bucket() != null ? object.bucket() : bucket;
    }

    private boolean newerInLake(String in, String key, Instant keptAt) {
        try {
            return s3.headObject(b -> b.bucket(in).key(key)).lastModified().isAfter(keptAt);
        } catch (NoSuchKeyException e) {
            return false;
        } catch (RuntimeException e) {
            if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e && s3e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
