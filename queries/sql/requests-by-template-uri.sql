-- Which API resources and methods carry the load, and how often they are throttled.
-- Reads usage-daily's flattened rows, usage_daily_rows (Parquet by default: only these columns are read).
SELECT templateuri,
       httpmethod,
       sum(requests) AS requests,
       sum(status429) AS status429,
       round(CAST(sum(status429) AS double) / nullif(sum(requests), 0), 4) AS throttled_fraction
FROM "genesysclouddb"."usage_daily_rows"
WHERE granularity = 'day'
GROUP BY templateuri, httpmethod
ORDER BY requests DESC, templateuri, httpmethod
LIMIT 25
