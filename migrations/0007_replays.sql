-- Replays: the list the admin API shows. Each replay runs in its own Durable Object (ReplayObject),
-- which holds the cursor and the exact progress and publishes status and counts here.
CREATE TABLE replays (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  destination_ids TEXT NOT NULL,
  range_from TEXT NOT NULL,
  range_to TEXT NOT NULL,
  status TEXT NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX replays_by_created ON replays (created_at);
