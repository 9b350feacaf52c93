-- Average handle time per agent: talk + hold + after-call work of the agent's segments, per conversation handled,
-- from the daily summary (one row per agent and day; a conversation is counted on its start day only, so the days'
-- counts add up): the row-level version over conversation_segments is
-- queries/examples/average-handle-time-per-agent.row-level.sql and answers the same.
SELECT userid,
       coalesce(max(u.name), '') AS user_name,
       CAST(sum(conversations) AS bigint) AS conversations,
       round(CAST(sum(handlems) AS double) / 1000 / CAST(sum(conversations) AS bigint), 1) AS avg_handle_seconds
FROM "genesysclouddb"."agent_handle_daily"
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_users"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_users")) u ON u.id = userid
GROUP BY userid
ORDER BY avg_handle_seconds DESC, userid
