-- Inbound voice conversations that reached each queue, per day, from the daily summary (one row per queue, media type
-- and direction a day; filtering on those grouping columns keeps the distinct count exact): the row-level version
-- over conversation_segments is queries/examples/inbound-voice-conversations-per-queue-per-day.row-level.sql and
-- answers the same.
SELECT "date" AS day,
       queueid,
       CAST(sum(conversations) AS bigint) AS conversations
FROM "genesysclouddb"."queue_daily"
WHERE mediatype = 'voice' AND direction = 'inbound'
GROUP BY "date", queueid
ORDER BY day, conversations DESC, queueid
