/**
 * The Warehouse pages' "Query it" box: how to read a source's tables with DuckDB, from R2 or
 * through the files API. Plain text (the page shows it in a <pre>, escaped by JSX).
 */

/** wrangler.toml's `bucket_name` of ARCHIVE: a binding does not know its bucket's name, so the default is shown. */
export const DEFAULT_BUCKET = "sluice-archive";

export interface QueryTarget {
  /** The console's own origin: the admin API is on the same host. */
  origin: string;
  /** Null when there is no source yet: placeholders instead. */
  sourceId: string | null;
  slug: string | null;
  /** The table the example reads. */
  table: string;
}

/** DuckDB over R2 (S3 API): every day partition of one table, columns added over time lined up by name. */
export function duckdbFromR2({ slug, table }: QueryTarget): string {
  const prefix = `r2://${DEFAULT_BUCKET}/warehouse/${slug ?? "<schema>"}/${table}`;
  return [
    `-- DuckDB, straight from R2, with an R2 API token that can read the bucket (${DEFAULT_BUCKET} unless wrangler.toml names another)`,
    "INSTALL httpfs; LOAD httpfs;",
    "CREATE SECRET (TYPE r2, KEY_ID '<access key id>', SECRET '<secret access key>', ACCOUNT_ID '<account id>');",
    "SELECT event, count(*) AS events",
    `FROM read_parquet('${prefix}/*/*.parquet', hive_partitioning = true, union_by_name = true)`,
    "GROUP BY event ORDER BY events DESC;",
  ].join("\n");
}

/** The files API: no R2 credentials, only the admin token. */
export function duckdbFromFilesApi({ origin, sourceId, table }: QueryTarget): string {
  const files = `${origin}/api/v1/warehouse/files`;
  const list = sourceId === null ? files : `${files}?sourceId=${encodeURIComponent(sourceId)}`;
  return [
    "# Or through the admin API: list the files, download one by its key, query it",
    `curl -H "Authorization: Bearer $ADMIN_TOKEN" "${list}"`,
    `curl -H "Authorization: Bearer $ADMIN_TOKEN" -o ${table}.parquet "${files}/<key from the list>"`,
    `duckdb -c "SELECT * FROM '${table}.parquet' LIMIT 10"`,
  ].join("\n");
}
