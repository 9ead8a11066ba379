import { ApiError } from "../http/api-error";
import { SourceStore } from "../sources/source-store";

/** 404 unless the source exists: the routes under `/sources/:id/…` act on a real source. */
export async function requireSource(db: D1Database, id: string): Promise<void> {
  if (!(await new SourceStore(db).get(id))) throw new ApiError(404, `No source with id ${id}.`);
}
