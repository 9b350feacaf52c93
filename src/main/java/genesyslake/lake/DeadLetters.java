package genesyslake.lake;

import genesyslake.lake.PartitionSpool.LakeObject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    public static final String OBJECT_PROPERTY = "lakeObject";

    private final Path dir;
    private final S3Client s3;
    private final String bucket;

    public DeadLetters(Path dir, S3Client s3, String bucket) {
        this.dir = dir;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Called by the upload route's error handler once redeliveries are exhausted. */
    public void keep(Exchange exchange) {
        LakeObject object = exchange.getProperty(OBJECT_PROPERTY, LakeObject.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ExportRun run = exchange.getProperty(ExportRun.PROPERTY, ExportRun.class);
        try {
            Path letter = Files.createDirectories(dir.resolve(Instant.now().toEpochMilli() + "-" + UUID.randomUUID()));
            Path kept = letter.resolve("object");
            Files.move(object.file(), kept, StandardCopyOption.REPLACE_EXISTING);
            ObjectNode meta = JSON.createObjectNode();
            meta.put("bucket", bucketOf(object));
            meta.put("key", object.key());
            meta.put("records", object.records());
            meta.put("keptAt", Instant.now().toString());
            meta.put("error", String.valueOf(cause));
            if (run != null) {
                meta.put("flow", run.flow());
                meta.put("runId", run.runId());
                run.deadLettered(object.key());
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(letter.resolve("meta.json").toFile(), meta);
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
                Path metaFile = letter.resolve("meta.json");
                Path object = letter.resolve("object");
                if (!Files.exists(metaFile) || !Files.exists(object)) {
                    continue;
                }
                JsonNode meta = JSON.readTree(metaFile.toFile());
                String key = meta.path("key").asText();
                String in = meta.path("bucket").asText(bucket);
                if (newerInLake(in, key, Instant.parse(meta.path("keptAt").asText()))) {
                    LOG.info("Dead letter {} is older than s3://{}/{}; discarding it", letter, in, key);
                    LakeRuns.deleteTree(letter);
                    continue;
                }
                out.add(new LakeObject(key, object, meta.path("records").asLong(), Files.size(object), Files.size(object), in));
            }
        }
        return out;
    }

    /** After a successful replay upload. */
    public void replayed(Exchange exchange) {
        LakeObject object = exchange.getProperty(OBJECT_PROPERTY, LakeObject.class);
        LOG.info("Replayed dead letter s3://{}/{} ({} records)", bucketOf(object), object.key(), object.records());
        LakeRuns.deleteTree(object.file().getParent());
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
