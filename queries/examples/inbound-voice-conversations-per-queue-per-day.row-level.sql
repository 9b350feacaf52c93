-- Inbound voice conversations that reached each queue, per day, from the segment rows: the same answer as
-- queries/sql/inbound-voice-conversations-per-queue-per-day.sql, which reads the daily summary queue_daily and scans
-- far fewer bytes (DailySummaryReportsTest compares them).
SELECT "date" AS day,
       queueid,
       coalesce(max(q.name), '') AS queue_name,
       count(DISTINCT conversationid) AS conversations
FROM "genesysclouddb"."conversation_segments"
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_queues"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_queues")) q ON q.id = queueid
WHERE mediatype = 'voice' AND direction = 'inbound' AND queueid IS NOT NULL
GROUP BY "date", queueid
ORDER BY day, conversations DESC, queueid
