-- A neutral script path per source (`/s/<alias>.js`) that serves the same analytics.js as
-- /analytics.js/v1/<writeKey>/analytics.min.js, for sites whose visitors block the usual path.
-- Set with PATCH /api/v1/sources/:id {"scriptAlias": "..."}; unique, NULL when unset.
ALTER TABLE sources ADD COLUMN script_alias TEXT;
CREATE UNIQUE INDEX sources_script_alias ON sources (script_alias) WHERE script_alias IS NOT NULL;
