-- Which suppressed person brought each key onto the suppression list (src/privacy/suppression-store.ts).
-- `suppressed_keys` says that a key is suppressed and by which regulation; this says for which of
-- the regulation's userIds (`subject_hash`: the hash of `user_id:<id>`, as every key here), so an
-- UNSUPPRESS of one userId lifts that person's keys only: another userId of the same regulation,
-- or one whose profile shares a key (a device both used), stays suppressed. Hashes only, like
-- suppressed_keys: no identifier in the clear.
CREATE TABLE suppression_coverage (
  regulation_id TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  PRIMARY KEY (regulation_id, key_hash, subject_hash)
) WITHOUT ROWID;
CREATE INDEX suppression_coverage_by_subject ON suppression_coverage (subject_hash);
