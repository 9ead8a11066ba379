-- Identity resolution rules per space (src/identity/identity-config.ts), validated when saved.
CREATE TABLE identity_config (
  space_id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Identity violations (Segment's names), one row per event, reason and identifier type, so an
-- event the queue delivers twice counts once. Written in one batch of statements per consumer
-- batch; read aggregated by reason and type. Kept 30 days.
CREATE TABLE identity_violations (
  space_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (space_id, message_id, reason, type)
);
CREATE INDEX identity_violations_by_time ON identity_violations (space_id, seen_at);
