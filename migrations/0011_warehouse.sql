-- The warehouse (src/warehouse/sync): Segment-schema Parquet tables in R2, synced from the archive.
-- What the admin API and console read lives here; what a sync needs to resume (the archive objects
-- each hour was built from, the users' and accounts' calls) lives in the source's
-- WarehouseSyncObject.

-- Per source: its schema name in R2 (`warehouse/<slug>/…`) and its selective sync.
CREATE TABLE warehouse_sources (
  source_id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  excluded_events TEXT NOT NULL DEFAULT '[]',
  excluded_properties TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Every sync, manual or scheduled; the running one is updated as it goes.
CREATE TABLE warehouse_syncs (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL,
  full INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  hours_total INTEGER NOT NULL DEFAULT 0,
  hours_synced INTEGER NOT NULL DEFAULT 0,
  rows_written INTEGER NOT NULL DEFAULT 0,
  files_written INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX warehouse_syncs_by_source ON warehouse_syncs (source_id, created_at);

-- Every Parquet file in R2 under warehouse/: `partition` is the archive hour (YYYY-MM-DD/HH), or
-- '' for a table of current state (users, accounts, the identity tables). The space-wide identity
-- tables have source_id ''.
CREATE TABLE warehouse_files (
  key TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  partition TEXT NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  written_at TEXT NOT NULL
);
CREATE INDEX warehouse_files_by_source ON warehouse_files (source_id, partition);

-- Each table's columns and their types: a column keeps the first type it was written with, and its
-- position, so every file of the table orders its columns alike.
CREATE TABLE warehouse_columns (
  source_id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  type TEXT NOT NULL,
  position INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (source_id, table_name, column_name)
) WITHOUT ROWID;
