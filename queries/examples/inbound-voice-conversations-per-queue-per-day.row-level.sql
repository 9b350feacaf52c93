-- Inbound voice conversations that reached each queue, per day, from the segment rows: the same answer as
-- queries/sql/inbound-voice-conversations-per-queue-per-day.sql, which reads the daily summary queue_daily and scans
-- far fewer bytes (DailySummaryReportsTest compares them).
SELECT "date" AS day,
       queueid,
       count(DISTINCT conversationid) AS conversations
FROM "genesysclouddb"."conversation_segments"
WHERE mediatype = 'voice' AND direction = 'inbound' AND queueid IS NOT NULL
GROUP BY "date", queueid
ORDER BY day, conversations DESC, queueid
