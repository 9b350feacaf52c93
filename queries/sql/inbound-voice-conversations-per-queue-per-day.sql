-- Inbound voice conversations that reached each queue, per day, from the daily summary (one row per queue, media type
-- and direction a day; filtering on those grouping columns keeps the distinct count exact): the row-level version
-- over conversation_segments is queries/examples/inbound-voice-conversations-per-queue-per-day.row-level.sql and
-- answers the same.
SELECT "date" AS day,
       queueid,
       coalesce(max(q.name), '') AS queue_name,
       CAST(sum(conversations) AS bigint) AS conversations
FROM "genesysclouddb"."queue_daily"
LEFT JOIN (SELECT id, name FROM "genesysclouddb"."dim_queues"
           WHERE snapshot = (SELECT max(snapshot) FROM "genesysclouddb"."dim_queues")) q ON q.id = queueid
WHERE mediatype = 'voice' AND direction = 'inbound'
GROUP BY "date", queueid
ORDER BY day, conversations DESC, queueid
