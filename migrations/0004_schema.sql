-- Schema discovery (src/schema): what each source sends, written by the EVENTS consumer with one
-- upsert per distinct key per batch, never per event.

-- One row per schema event: track name (page/screen as `Page Viewed`/`Screen Viewed`), or the
-- identify/group trait set (name ''). `archived` hides it until it is seen again.
CREATE TABLE schema_events (
  source_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (source_id, type, name)
);

-- Counts per hour (`h:YYYY-MM-DDTHH`, kept 48 hours) and per day (`d:YYYY-MM-DD`, kept 61 days),
-- summed for the 24-hour, 30-day and 60-day windows.
CREATE TABLE schema_event_counts (
  source_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  bucket TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (source_id, type, name, bucket)
);

-- Property (track) or trait (identify, group) paths; `types` is a bit set of observed types.
CREATE TABLE schema_properties (
  source_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  types INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (source_id, type, name, path)
);

-- What the source's limits kept out of the schema (the events themselves still flow).
CREATE TABLE schema_overflow (
  source_id TEXT PRIMARY KEY,
  events_not_recorded INTEGER NOT NULL DEFAULT 0,
  properties_not_recorded INTEGER NOT NULL DEFAULT 0,
  last_seen TEXT NOT NULL
);
