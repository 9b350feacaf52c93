-- Share of each OAuth client's requests answered 429, per day (the usage-daily flow's rows).
-- A status429_share above alert.rate-limit-share raises an ALERT line in the log.
-- Reads usage-daily's flattened rows, usage_daily_rows (Parquet by default); "date" is a timestamp in Parquet and ISO text in NDJSON,
-- and substr(CAST(... AS varchar), 1, 10) is the day in both.
SELECT substr(CAST("date" AS varchar), 1, 10) AS day,
       clientid,
       clientname,
       sum(requests) AS requests,
       sum(status429) AS status429,
       round(CAST(sum(status429) AS double) / nullif(sum(requests), 0), 4) AS status429_share
FROM "genesysclouddb"."usage_daily_rows"
WHERE granularity = 'day'
GROUP BY substr(CAST("date" AS varchar), 1, 10), clientid, clientname
HAVING sum(status429) > 0
ORDER BY day DESC, status429_share DESC, clientid
LIMIT 50
