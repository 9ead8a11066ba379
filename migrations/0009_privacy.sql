-- Privacy (src/privacy): regulations, suppression, the archive's person index, retention.

-- One row per regulation (Segment's Regulations API). `subject_ids` is the JSON list of userIds
-- as asked; `covered` the identifier keys (`<type>:<value>`) resolved from their profiles when
-- the regulation was created; `progress` the job's per-store and per-destination progress and,
-- once finished, its receipt (JSON; src/privacy/regulation.ts).
CREATE TABLE regulations (
  id TEXT PRIMARY KEY,
  regulation_type TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_ids TEXT NOT NULL,
  covered TEXT NOT NULL,
  status TEXT NOT NULL,
  progress TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX regulations_by_time ON regulations (created_at);

-- The suppression list: hashes of the identifier keys of suppressed people (src/privacy/subject-keys.ts),
-- so the EVENTS consumer looks a batch's keys up in one query. A key is held per regulation
-- that suppressed it; UNSUPPRESS of a userId removes the rows of the regulations that covered it.
CREATE TABLE suppressed_keys (
  key_hash TEXT NOT NULL,
  regulation_id TEXT NOT NULL,
  PRIMARY KEY (key_hash, regulation_id)
) WITHOUT ROWID;

-- Events dropped because their person is suppressed, per source and UTC day: counted, never stored.
CREATE TABLE suppressed_counts (
  source_id TEXT NOT NULL,
  day TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (source_id, day)
) WITHOUT ROWID;

-- The archive's person index: which archive objects hold events of which identifier (by hash),
-- written by the dedupe shard's flush before the object itself, so every object is findable.
-- Deletion and subject exports read the objects it names, never the whole archive.
CREATE TABLE archive_index (
  key_hash TEXT NOT NULL,
  object_key TEXT NOT NULL,
  PRIMARY KEY (key_hash, object_key)
) WITHOUT ROWID;
CREATE INDEX archive_index_by_object ON archive_index (object_key);

-- Subject access exports (GDPR art. 15): the NDJSON lands in R2 under `subject-exports/<id>.ndjson`.
CREATE TABLE subject_exports (
  id TEXT PRIMARY KEY,
  subject_type TEXT NOT NULL,
  subject_ids TEXT NOT NULL,
  covered TEXT NOT NULL,
  status TEXT NOT NULL,
  progress TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Archive retention per source, in days; NULL keeps everything.
ALTER TABLE sources ADD COLUMN retention_days INTEGER;
