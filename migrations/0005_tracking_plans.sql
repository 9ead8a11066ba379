-- Tracking plans (Protocols): rules in Segment's Public API shape, stored as one JSON array.
CREATE TABLE tracking_plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  rules TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- What changed in a plan and when, newest last (Segment's changelog).
CREATE TABLE tracking_plan_changes (
  plan_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (plan_id, seq)
);

-- Per source: the connected plan (at most one), the schema settings, and what the Schema tab
-- blocks without a plan (`{"events":[{"type","name"}],"traits":[{"type","name"}]}`), as JSON.
CREATE TABLE source_protocols (
  source_id TEXT PRIMARY KEY,
  tracking_plan_id TEXT,
  settings TEXT NOT NULL,
  schema_blocks TEXT NOT NULL DEFAULT '{"events":[],"traits":[]}',
  updated_at TEXT NOT NULL
);
CREATE INDEX source_protocols_by_plan ON source_protocols (tracking_plan_id);

-- Violations per source, event, field and type; one upsert per distinct key per consumer batch.
CREATE TABLE protocol_violations (
  source_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_name TEXT NOT NULL,
  field TEXT NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (source_id, event_type, event_name, field, type)
);

-- Source-scoped transformations (Protocols): rename a track event and/or its properties, or an
-- identify/group call's traits; one per source, call type and event, as Segment allows.
CREATE TABLE source_transformations (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_name TEXT NOT NULL,
  new_event_name TEXT,
  renames TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (source_id, event_type, event_name)
);
