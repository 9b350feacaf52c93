-- Inbound voice conversations that reached each queue, per day (flattened segments, no UNNEST).
SELECT "date" AS day,
       queueid,
       count(DISTINCT conversationid) AS conversations
FROM "genesysclouddb"."conversation_segments"
WHERE mediatype = 'voice' AND direction = 'inbound' AND queueid IS NOT NULL
GROUP BY "date", queueid
ORDER BY day, conversations DESC, queueid
