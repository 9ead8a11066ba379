-- Events per source per minute (src/activity), written by the EVENTS consumer with one upsert per
-- source and minute per batch, kept 25 hours: the console's "events per minute, last 24 hours".
CREATE TABLE source_minute_counts (
  source_id TEXT NOT NULL,
  -- Minutes since the Unix epoch (UTC) of the edge's receive time.
  minute INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (source_id, minute)
) WITHOUT ROWID;
