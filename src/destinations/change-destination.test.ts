import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SourceStore } from "../sources/source-store";
import { changeDestination } from "./change-destination";
import { MASK } from "./destination-settings";
import { DestinationStore } from "./destination-store";

const NOW = new Date("2026-05-01T12:00:00Z");

async function webhook() {
  const source = await new SourceStore(env.DB).create("Change destination source", NOW);
  const destination = await new DestinationStore(env.DB).create(
    {
      name: "Before",
      type: "webhook",
      enabled: true,
      sourceIds: [source.id],
      settings: { url: "https://old.example.com/hook", sharedSecret: "kept-secret", batch: false },
      consentCategories: [],
    },
    NOW,
  );
  return { source, destination };
}

describe("changeDestination", () => {
  it("saves what it names, keeps a masked secret, and leaves the rest as it was", async () => {
    const { destination } = await webhook();
    const changed = await changeDestination(
      env.DB,
      destination,
      { name: "After", settings: { url: "https://new.example.com/hook", sharedSecret: MASK }, consentCategories: ["Analytics"] },
      NOW,
    );
    expect(changed.ok).toBe(true);
    const stored = await new DestinationStore(env.DB).get(destination.id);
    expect(stored).toEqual({
      ...destination,
      name: "After",
      settings: { url: "https://new.example.com/hook", sharedSecret: "kept-secret", batch: false },
      consentCategories: ["Analytics"],
    });
  });

  it("drops a secret left out of the settings", async () => {
    const { destination } = await webhook();
    await changeDestination(env.DB, destination, { settings: { url: "https://old.example.com/hook" } }, NOW);
    expect((await new DestinationStore(env.DB).get(destination.id))?.settings).toEqual({ url: "https://old.example.com/hook", batch: false });
  });

  it("saves nothing when a source is unknown or the settings fail the type's schema, and names the field", async () => {
    const { destination } = await webhook();
    expect(await changeDestination(env.DB, destination, { name: "Lost", sourceIds: ["src_missing"] }, NOW)).toEqual({
      ok: false,
      field: "sourceIds",
      message: "sourceIds: no source with id src_missing.",
    });
    expect(await changeDestination(env.DB, destination, { name: "Lost", settings: { url: "ftp://example.com" } }, NOW)).toMatchObject({
      ok: false,
      field: "settings.url",
    });
    expect(await new DestinationStore(env.DB).get(destination.id)).toEqual(destination);
  });
});
