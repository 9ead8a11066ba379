import { PlanStore } from "./plan-store";
import { setBlocked, type SchemaBlocks } from "./schema-blocks";

/** Blocks or unblocks one event, or one trait, of a source's schema: the admin API's PATCHes and the console's forms. */
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

export async function setSchemaTraitBlocked(
  db: D1Database,
  sourceId: string,
  trait: SchemaBlocks["traits"][number],
  blocked: boolean,
  now: Date,
): Promise<void> {
  const store = new PlanStore(db);
  const blocks = await store.schemaBlocks(sourceId);
  await store.saveSchemaBlocks(sourceId, { ...blocks, traits: setBlocked(blocks.traits, trait, blocked) }, now);
}
