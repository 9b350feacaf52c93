package genesyslake.local.aws;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks the syntax tree DuckDB's own parser gives a query ({@code json_serialize_sql}) against what Athena's SQL has:
 * every node kind is one a SELECT of Athena is made of, every function is one of Athena's (Trino's) functions, the only
 * table function is UNNEST, and every table is a table of the catalog (or its information_schema), never a file, a
 * DuckDB system view or another attached database. Anything else is an InvalidRequestException.
 */
final class SelectTree {

    /**
     * The function names of Athena engine 3 (Trino's list of functions and operators) that a query may call. DuckDB
     * lacks many of them (or the local Athena defines them as macros): those fail when the query runs, as an unknown
     * function does in Athena.
     */
    static final Set<String> FUNCTIONS = words("""
            abs acos all_match any_match any_value approx_distinct approx_most_frequent approx_percentile approx_set
            arbitrary array_agg array_distinct array_except array_first array_histogram array_intersect array_join
            array_last array_max array_min array_position array_remove array_sort array_union arrays_overlap asin
            at_timezone atan atan2 avg bar beta_cdf bit_count bitwise_and bitwise_and_agg bitwise_left_shift bitwise_not
            bitwise_or bitwise_or_agg bitwise_right_shift bitwise_right_shift_arithmetic bitwise_xor bool_and bool_or
            cardinality cbrt ceil ceiling checksum chr classify coalesce codepoint combinations concat concat_ws
            contains contains_sequence corr cos cosh cosine_distance cosine_similarity count count_if covar_pop
            covar_samp crc32 cume_dist current_date current_time current_timestamp current_timezone current_user date
            date_add date_diff date_format date_parse date_trunc day day_of_month day_of_week day_of_year degrees
            dense_rank dow doy e element_at ends_with every exp filter first_value flatten floor format format_datetime
            format_number from_base from_base32 from_base64 from_base64url from_big_endian_32 from_big_endian_64 from_hex
            from_ieee754_32 from_ieee754_64 from_iso8601_date from_iso8601_timestamp from_iso8601_timestamp_nanos
            from_unixtime from_unixtime_nanos from_utf8 geometric_mean greatest hamming_distance histogram hmac_md5
            hmac_sha1 hmac_sha256 hmac_sha512 hour human_readable_seconds if index infinity inverse_beta_cdf
            inverse_normal_cdf is_finite is_infinite is_json_scalar is_nan json_array json_array_contains
            json_array_get json_array_length json_exists json_extract json_extract_scalar json_format json_object
            json_parse json_query json_size json_value kurtosis lag
            last_day_of_month last_value lead least length levenshtein_distance listagg ln localtime localtimestamp log
            log10 log2 lower lpad ltrim luhn_check map map_agg map_concat map_entries map_filter map_from_entries
            map_keys map_union map_values map_zip_with max max_by md5 millisecond min min_by minute mod month
            multimap_agg multimap_from_entries murmur3 nan ngrams none_match normal_cdf normalize now nth_value ntile
            nullif numeric_histogram parse_data_size parse_datetime parse_duration percent_rank pi position pow power
            quarter radians rand random rank reduce reduce_agg regexp_count regexp_extract regexp_extract_all
            regexp_like regexp_position regexp_replace regexp_split regr_intercept regr_slope repeat replace reverse
            round row_number rpad rtrim second sequence sha1 sha256 sha512 shuffle sign sin sinh skewness slice soundex
            split split_part split_to_map split_to_multimap spooky_hash_v2_32 spooky_hash_v2_64 sqrt starts_with stddev
            stddev_pop stddev_samp strpos substr substring sum tan tanh timezone_hour timezone_minute to_base to_base32
            to_base64 to_base64url to_big_endian_32 to_big_endian_64 to_char to_date to_hex to_ieee754_32 to_ieee754_64
            to_iso8601 to_milliseconds to_timestamp to_unixtime to_utf8 transform transform_keys transform_values
            translate trim trim_array truncate try try_cast typeof upper url_decode url_encode url_extract_fragment
            url_extract_host url_extract_parameter url_extract_path url_extract_port url_extract_protocol
            url_extract_query uuid var_pop var_samp variance week week_of_year width_bucket with_timezone xxhash64 year
            year_of_week yow zip zip_with""");

    /**
     * Names DuckDB's parser gives Athena syntax: count(*), EXTRACT, AT TIME ZONE, INTERVAL '1' DAY, LIKE … ESCAPE,
     * ROW(…), TRIM(LEADING …).
     */
    static final Set<String> SYNTAX = words("""
            count_star date_part timezone trunc to_years to_months to_weeks to_days to_hours to_minutes to_seconds
            to_milliseconds like_escape not_like_escape ilike_escape not_ilike_escape row""");

    /** Athena's only table function. */
    static final Set<String> TABLE_FUNCTIONS = Set.of("unnest");

    /** Expression classes of an Athena SELECT (DuckDB-only ones such as COLLATE or #1 are refused). */
    private static final Set<String> EXPRESSIONS = Set.of("FUNCTION", "CONSTANT", "COLUMN_REF", "STAR", "OPERATOR",
            "COMPARISON", "CONJUNCTION", "CASE", "CAST", "BETWEEN", "SUBQUERY", "WINDOW", "LAMBDA", "TYPE", "PARAMETER");

    /** FROM-clause items of an Athena SELECT (DuckDB's PIVOT, COLUMN_DATA … are refused). */
    private static final Set<String> TABLE_REFS = Set.of("BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EMPTY",
            "EXPRESSION_LIST", "SHOW_REF");

    /** What SHOW may list (DuckDB's SHOW <name> would print a setting, SHOW VARIABLES the session's variables). */
    private static final Set<String> SHOW_SPECIAL = Set.of("tables", "schemas", "databases");

    /** Views DuckDB keeps in its system catalog, found by an unqualified name through the search path. */
    private static final String SYSTEM_VIEW = "(?i)(duckdb|pragma|sqlite|pg)_.*";

    /** information_schema tables Athena has that reveal no view text (DuckDB's views.view_definition holds paths). */
    private static final Set<String> INFORMATION_SCHEMA = Set.of("tables", "columns", "schemata");

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

    private SelectTree() {
    }

    /** @param statements the statement list of json_serialize_sql's answer, already known to hold one statement */
    static void check(JsonNode statements) {
        walk(statements);
    }

    private static void walk(JsonNode node) {
        if (node.isArray()) {
            node.forEach(SelectTree::walk);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        if (node.has("class")) {
            expression(node);
        } else if (node.has("type") && node.has("alias") && node.has("sample")) {
            if (tableRef(node)) {
                return;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            walk(it.next().getValue());
        }
    }

    private static void expression(JsonNode e) {
        String kind = e.path("class").asText();
        if (!EXPRESSIONS.contains(kind)) {
            throw invalid("The local Athena does not support " + kind.toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " expressions (not Athena SQL)");
        }
        if (kind.equals("FUNCTION") || kind.equals("WINDOW")) {
            function(e, FUNCTIONS);
            decimalLiteralDivision(e);
        } else if (kind.equals("TYPE") && qualified(e, "catalog", "schema")) {
            throw invalid("Unknown type " + e.path("type_name").asText());
        }
    }

    private static void function(JsonNode f, Set<String> allowed) {
        String name = f.path("function_name").asText().toLowerCase(Locale.ROOT);
        boolean operator = !name.isEmpty() && name.chars().noneMatch(c -> Character.isLetterOrDigit(c) || c == '_');
        if (qualified(f, "catalog", "schema") || !(operator && allowed == FUNCTIONS || allowed.contains(name)
                || allowed == FUNCTIONS && SYNTAX.contains(name))) {
            throw invalid("Function '" + f.path("function_name").asText() + "' not registered");
        }
    }

    /**
     * A division with a decimal literal ({@code sum(ms) / 1000.0}) is decimal arithmetic in Athena (decimal(21,1) here,
     * rounded to the literal's scale) and double arithmetic in DuckDB: the same report would answer other numbers
     * locally, so it is refused, naming the construct and the spelling both engines agree on. ({@code 1e3} is a
     * double in both.)
     */
    private static void decimalLiteralDivision(JsonNode f) {
        // "//" where the parser runs with integer_division (the local Athena's DuckDB): then "/" is parsed as "//"
        if (!f.path("function_name").asText().matches("//?")) {
            return;
        }
        for (JsonNode argument : f.path("arguments")) {
            JsonNode e = argument.path("expression");
            // through a sign: x / -1.5
            while (e.path("class").asText().equals("FUNCTION") && e.path("arguments").size() == 1
                    && e.path("function_name").asText().matches("[-+]")) {
                e = e.path("arguments").get(0).path("expression");
            }
            String literal = e.path("literal").path("text").asText("");
            if (e.path("class").asText().equals("CONSTANT") && e.path("literal").path("kind").asText().equals("NUMERIC")
                    && literal.contains(".") && !literal.toLowerCase(Locale.ROOT).contains("e")) {
                throw invalid("The local Athena refuses division with a decimal literal (" + literal + "): Athena "
                        + "divides in decimal arithmetic, rounding to the literal's scale (sum(bigint) / 1000.0 is "
                        + "decimal(21,1)), DuckDB in double, so the answers would differ. Write CAST(x AS double) / 1000 "
                        + "(both engines: double), with round(…, n) where fixed digits are meant");
            }
        }
    }

    /** Checks one FROM item; true when its children were checked here (a table function's own node is not a call). */
    private static boolean tableRef(JsonNode t) {
        String type = t.path("type").asText();
        if (!TABLE_REFS.contains(type)) {
            throw invalid("The local Athena does not support " + type.toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " in FROM (not Athena SQL)");
        }
        switch (type) {
            case "BASE_TABLE" -> table(t);
            case "TABLE_FUNCTION" -> {
                JsonNode call = t.path("function");
                if (!call.path("class").asText().equals("FUNCTION")) {
                    throw invalid("The local Athena supports UNNEST only as a table function");
                }
                function(call, TABLE_FUNCTIONS);
                walk(call.path("arguments"));
                walk(call.path("children"));
                return true;
            }
            case "SHOW_REF" -> {
                String show = t.path("show_type").asText();
                String name = t.path("table_name").asText().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!(show.equals("DESCRIBE") || show.equals("SHOW_FROM")
                        || show.equals("SHOW_SPECIAL") && SHOW_SPECIAL.contains(name))) {
                    throw invalid("The local Athena supports SHOW TABLES, SHOW SCHEMAS, SHOW DATABASES and DESCRIBE "
                            + "only");
                }
            }
            default -> {
                // joins, subqueries and VALUES lists: their parts are checked by the walk
            }
        }
        return false;
    }

    private static void table(JsonNode t) {
        String catalog = t.path("catalog_name").asText();
        String schema = t.path("schema_name").asText();
        String name = t.path("table_name").asText();
        String shown = Stream.of(catalog, schema, name).filter(s -> !s.isEmpty()).collect(Collectors.joining("."));
        boolean ok = name.matches(IDENTIFIER) && !name.matches(SYSTEM_VIEW)
                && (catalog.isEmpty() || catalog.equalsIgnoreCase(LocalAws.CATALOG_NAME))
                && (schema.isEmpty() || schema.matches(IDENTIFIER) && !schema.equalsIgnoreCase("pg_catalog"))
                && (!schema.equalsIgnoreCase("information_schema")
                        || INFORMATION_SCHEMA.contains(name.toLowerCase(Locale.ROOT)));
        if (!ok) {
            throw invalid("Table '" + shown + "' cannot be read by the local Athena: name a table of the catalog");
        }
    }

    private static boolean qualified(JsonNode node, String... fields) {
        return Stream.of(fields).anyMatch(f -> !node.path(f).asText("").isEmpty());
    }

    private static Set<String> words(String text) {
        return Set.of(text.trim().split("\\s+"));
    }

    private static AwsServiceException invalid(String message) {
        return new AwsServiceException("InvalidRequestException", message);
    }
}
