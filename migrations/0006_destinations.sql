-- Destinations: where a source's events go, with their consent categories and settings (JSON).
CREATE TABLE destinations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  source_ids TEXT NOT NULL,
  settings TEXT NOT NULL,
  consent_categories TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Destination filters (FQL), applied in position order; at most 10 per destination.
CREATE TABLE destination_filters (
  id TEXT PRIMARY KEY,
  destination_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  expression TEXT NOT NULL,
  actions TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE INDEX destination_filters_by_destination ON destination_filters (destination_id, position);

-- Delivery counts per destination, hour and outcome (`delivered`, `failed`, `retrying`,
-- `discarded:<reason>`); one upsert per key per consumer batch.
CREATE TABLE delivery_stats (
  destination_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  outcome TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (destination_id, hour, outcome)
);

-- End-to-end latency (receivedAt → delivered) as a histogram per destination and hour: bucket
-- upper bounds in ms, for the p95 without storing every delivery.
CREATE TABLE delivery_latency (
  destination_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  bucket_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (destination_id, hour, bucket_ms)
);
