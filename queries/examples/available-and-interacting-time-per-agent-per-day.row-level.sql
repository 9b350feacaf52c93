-- Time each agent spent AVAILABLE (presence) and INTERACTING (routing status) per day, in seconds, from the interval
-- tables: the same answer as queries/sql/available-and-interacting-time-per-agent-per-day.sql, which reads the daily
-- summary agent_status_daily and scans far fewer bytes (DailySummaryReportsTest compares them).
SELECT coalesce(p.day, r.day) AS day,
       coalesce(p.userid, r.userid) AS userid,
       coalesce(u.name, '') AS user_name,
       coalesce(p.available_seconds, 0) AS available_seconds,
       coalesce(r.interacting_seconds, 0) AS interacting_seconds
FROM (SELECT "date" AS day, userid, CAST(sum(durationms) AS double) / 1000 AS available_seconds
      FROM "genesysclouddb"."user_presence"
      WHERE systempresence = 'AVAILABLE'
      GROUP BY "date", userid) p
FULL OUTER JOIN (SELECT "date" AS day, userid, CAST(sum(durationms) AS double) / 1000 AS interacting_seconds
      FROM "genesysclouddb"."user_routing_status"
      WHERE routingstatus = 'INTERACTING'
      GROUP BY "date", userid) r
  ON p.day = r.day AND p.userid = r.userid
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_users"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_users")) u ON u.id = coalesce(p.userid, r.userid)
ORDER BY day, userid
