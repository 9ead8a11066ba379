import { PlanStore } from "./plan-store";
import { setBlocked, type SchemaBlocks } from "./schema-blocks";

/** Blocks or unblocks one event of a source's schema: the admin API's PATCH and the console's form. */
export async function setSchemaEventBlocked(
  db: D1Database,
  sourceId: string,
  event: SchemaBlocks["events"][number],
  blocked: boolean,
  now: Date,
): Promise<void> {
  const store = new PlanStore(db);
  const blocks = await store.schemaBlocks(sourceId);
  await store.saveSchemaBlocks(sourceId, { ...blocks, events: setBlocked(blocks.events, event, blocked) }, now);
}
