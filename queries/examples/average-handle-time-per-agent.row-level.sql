-- Average handle time per agent: talk + hold + after-call work of the agent's segments, per conversation handled,
-- from the segment rows: the same answer as queries/sql/average-handle-time-per-agent.sql, which reads the daily
-- summary agent_handle_daily and scans far fewer bytes (DailySummaryReportsTest compares them).
SELECT userid,
       coalesce(max(u.name), '') AS user_name,
       count(DISTINCT conversationid) AS conversations,
       round(CAST(sum(segmentdurationms) AS double) / 1000 / count(DISTINCT conversationid), 1) AS avg_handle_seconds
FROM "genesysclouddb"."conversation_segments"
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_users"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_users")) u ON u.id = userid
WHERE purpose = 'agent' AND segmenttype IN ('interact', 'hold', 'wrapup') AND userid IS NOT NULL
GROUP BY userid
ORDER BY avg_handle_seconds DESC, userid
