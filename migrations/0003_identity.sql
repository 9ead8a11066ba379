-- Identity resolution rules per space (src/identity/identity-config.ts), validated when saved.
CREATE TABLE identity_config (
  space_id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Identity violations (Segment's names), counted per reason and identifier type; one upsert per
-- consumer batch and key, never one write per event.
CREATE TABLE identity_violations (
  space_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  count INTEGER NOT NULL,
  last_seen TEXT NOT NULL,
  last_message TEXT NOT NULL,
  PRIMARY KEY (space_id, reason, type)
);
