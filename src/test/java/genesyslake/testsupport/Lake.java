package genesyslake.testsupport;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads what landed in a bucket, through the S3 API, the way a lake consumer would. */
public final class Lake {

    private final S3Client s3;
    private final String bucket;

    public Lake(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).forEach(keys::add);
        return keys;
    }

    /**
     * Every NDJSON line of every .json.gz object under the prefix, in key order; a .parquet object's rows count as
     * lines too, each as DuckDB's JSON of the row (timestamps as {@code 2026-01-01 10:00:00.123}).
     */
    public List<String> lines(String prefix) {
        List<String> lines = new ArrayList<>();
        for (String key : keys(prefix)) {
            if (key.endsWith(".json.gz")) {
                lines.addAll(lines(key, true));
            } else if (key.endsWith(".parquet")) {
                lines.addAll(parquetRows(key, "to_json(t)::VARCHAR"));
            }
        }
        return lines;
    }

    /** One text per row of a Parquet object: {@code expression} over the row alias {@code t}, in file order. */
    public List<String> parquetRows(String key, String expression) {
        try {
            Path file = Files.createTempFile("lake-", ".parquet");
            try {
                try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                return Parquet.rows(file, expression);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> lines(String key, boolean gzip) {
        // The objects are multi-member gzip. GZIPInputStream reads a next member only while its source reports
        // available() > 0, which an HTTP body stream may not at a member boundary: it would then end early,
        // silently, after some of the records. Reading the object whole first makes every member count.
        byte[] object;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            object = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream raw = new java.io.ByteArrayInputStream(object);
             BufferedReader r = new BufferedReader(new InputStreamReader(gzip ? new GZIPInputStream(raw) : raw,
                     StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
