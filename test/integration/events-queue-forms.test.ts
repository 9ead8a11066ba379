import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { packEventsIntoMessages, serializeEvent } from "../../src/queues/pack-events";
import { sendMessages } from "../../src/queues/send-messages";
import { waitForArchived } from "../support/workerd/archive";
import { acceptedEvent, eventsMessage, uniqueId } from "../support/workerd/events";

describe("EVENTS messages on the real queue", () => {
  it("archives events queued as JSON text and as the object earlier versions queued", async () => {
    const sourceId = uniqueId("src");
    const earlier = acceptedEvent(sourceId, uniqueId("as-object"), { properties: { city: "Zürich" } });
    const now = acceptedEvent(sourceId, uniqueId("as-text"), { properties: { city: "Zürich" } });
    // What a Worker deployed before the change queued, still on the queue during a rollout.
    await env.EVENTS.send(eventsMessage([earlier]), { contentType: "json" });
    // What the edge queues now: the envelope's JSON text, built from each event's one serialization.
    await sendMessages(env.EVENTS, packEventsIntoMessages([serializeEvent(now)]));

    const archived = await waitForArchived(sourceId, 2);
    expect(archived.map(({ event }) => event).sort((a, b) => a.messageId.localeCompare(b.messageId))).toEqual([earlier, now]);
  });
});
