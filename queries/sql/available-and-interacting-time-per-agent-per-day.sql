-- Time each agent spent AVAILABLE (presence) and INTERACTING (routing status) per day, in seconds, from the daily
-- summary (one row per user, kind and status and day): the row-level version over user_presence / user_routing_status
-- is queries/examples/available-and-interacting-time-per-agent-per-day.row-level.sql and answers the same.
SELECT coalesce(p.day, r.day) AS day,
       coalesce(p.userid, r.userid) AS userid,
       coalesce(u.name, '') AS user_name,
       coalesce(p.available_seconds, 0) AS available_seconds,
       coalesce(r.interacting_seconds, 0) AS interacting_seconds
FROM (SELECT "date" AS day, userid, CAST(sum(durationms) AS double) / 1000 AS available_seconds
      FROM "genesysclouddb"."agent_status_daily"
      WHERE kind = 'presence' AND status = 'AVAILABLE'
      GROUP BY "date", userid) p
FULL OUTER JOIN (SELECT "date" AS day, userid, CAST(sum(durationms) AS double) / 1000 AS interacting_seconds
      FROM "genesysclouddb"."agent_status_daily"
      WHERE kind = 'routing' AND status = 'INTERACTING'
      GROUP BY "date", userid) r
  ON p.day = r.day AND p.userid = r.userid
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_users"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_users")) u ON u.id = coalesce(p.userid, r.userid)
ORDER BY day, userid
