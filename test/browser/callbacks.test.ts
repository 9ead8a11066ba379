import { describe, expect, it } from "vitest";
import { drain, propertiesOf, readArchive, uniqueId, useBrowserSuite, waitForEvents, withProbe, type Tab } from "./support/harness";
import { snippetPage } from "./support/pages";
import { callSdk, waitForSdk } from "./support/sdk";

declare global {
  interface Window {
    /** What the test's listeners and callbacks saw, JSON-safe. */
    seen?: Record<string, unknown[]>;
  }
}

/**
 * What runs in the page around a call: source middleware (enrich, drop), the callback and the
 * promise a call returns, `ready`, and the `on`/`once`/`off` emitter.
 */
describe("middleware, callbacks and events", () => {
  const suite = useBrowserSuite("callbacks");

  /** A snippet page, loaded; `body` runs while window.analytics is still the snippet's stub. */
  async function open(name: string, body = ""): Promise<Tab> {
    const tab = await suite.newTab();
    const path = `/${uniqueId(name)}/page`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: `Callbacks ${name}`, body }));
    await tab.page.goto(url);
    await waitForSdk(tab.page, tab.log);
    return tab;
  }

  it("addSourceMiddleware: a middleware that sets properties.enriched and calls next(payload) changes the archived event", async () => {
    const { page, log } = await open("enrich");
    await page.evaluate(() =>
      window.analytics!.addSourceMiddleware(({ payload, next }) => {
        payload.obj.properties = { ...payload.obj.properties, enriched: true };
        next(payload);
      }),
    );
    const probe = uniqueId("enrich");
    await callSdk(page, "track", ["Enriched", { probe }]);

    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the enriched track" });
    expect(event).toMatchObject({ type: "track", event: "Enriched" });
    expect(propertiesOf(event!)).toEqual({ probe, enriched: true });
  });

  it('addSourceMiddleware: a middleware that returns null for "Drop Me" keeps that event out of the archive', async () => {
    const { page, log } = await open("drop");
    await page.evaluate(() =>
      window.analytics!.addSourceMiddleware(({ payload, next }) => {
        if (payload.obj.event === "Drop Me") return null;
        next(payload);
        return undefined;
      }),
    );
    const probe = uniqueId("drop");
    // The dropped call still settles (callSdk fails on a promise that never does).
    await callSdk(page, "track", ["Drop Me", { probe, n: 1 }]);
    await callSdk(page, "track", ["Keep Me", { probe, n: 2 }]);

    await waitForEvents(suite.source.id, withProbe(probe), { log, what: 'the "Keep Me" track after the dropped one' });
    await drain(page, suite.source.id, log);
    const arrived = (await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe));
    expect(
      arrived.map((event) => event.event),
      'only "Keep Me" reached the archive',
    ).toEqual(["Keep Me"]);
  });

  it("track(..., callback): the promise resolves with {event}, whose messageId is the archived one, and the callback gets the same", async () => {
    const { page, log } = await open("promise");
    const probe = uniqueId("promise");

    const result = await page.evaluate(async (probe) => {
      let callback: string | null = null;
      const ctx = (await window.analytics!.track("X", { probe }, {}, (ctx) => {
        callback = ctx?.event.messageId ?? "called without a context";
      })) as { event?: { messageId?: string; event?: unknown } } | undefined;
      return { messageId: ctx?.event?.messageId ?? null, event: ctx?.event?.event ?? null, callback };
    }, probe);

    expect(result.event).toBe("X");
    expect(typeof result.messageId).toBe("string");
    expect(result.callback, "the callback ran, with the same context").toBe(result.messageId);
    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track with a callback" });
    expect(event).toMatchObject({ type: "track", event: "X", messageId: result.messageId });
  });

  it("ready(callback) calls the callback, whether registered through the snippet before load or after it", async () => {
    const body = `<script>window.seen = { ready: [] }; analytics.ready(function () { window.seen.ready.push("before load"); });</script>`;
    const { page } = await open("ready", body);

    const after = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("ready() callback not called within 5 s")), 5_000);
          void window.analytics!.ready(() => {
            clearTimeout(timer);
            resolve("after load");
          });
        }),
    );
    expect(after).toBe("after load");
    await page.waitForFunction(() => (window.seen?.["ready"]?.length ?? 0) > 0, null, { timeout: 5_000 }).catch(() => undefined);
    expect(await page.evaluate(() => window.seen?.["ready"]), "the ready() callback buffered by the snippet").toEqual(["before load"]);
  });

  it('on("track", fn) is called as analytics.js calls it: (event name, properties, options)', async () => {
    const { page } = await open("on-arguments");
    const probe = uniqueId("on");
    await page.evaluate(() => {
      window.seen = { track: [] };
      window.analytics!.on("track", (...args: unknown[]) => window.seen!.track!.push(JSON.parse(JSON.stringify(args))));
    });
    await callSdk(page, "track", ["Listened", { probe }, { context: { custom: 1 } }]);

    const calls = (await page.evaluate(() => window.seen!.track)) as unknown[][];
    expect(calls, "one call of the listener").toHaveLength(1);
    const [name, properties, options] = calls[0]!;
    const first = typeof name === "string" ? name : `(${typeof name}) ${JSON.stringify(name).slice(0, 160)}…`;
    expect(first, "first argument of the track listener: the event name").toBe("Listened");
    expect(properties).toMatchObject({ probe });
    expect(options, "third argument: the call's options").toMatchObject({ context: { custom: 1 } });
  });

  it('once("track") fires for the first of two tracks only; off() stops an on() listener', async () => {
    const { page } = await open("once-off");
    const probe = uniqueId("once");
    await page.evaluate(() => {
      const seen: Record<string, unknown[]> = { on: [], once: [], off: [] };
      window.seen = seen;
      const offListener = () => seen.off!.push(1);
      window.analytics!.on("track", () => seen.on!.push(1));
      window.analytics!.once("track", () => seen.once!.push(1));
      window.analytics!.on("track", offListener);
      (window as unknown as { offListener: () => void }).offListener = offListener;
    });
    await callSdk(page, "track", ["Listened", { probe, n: 1 }]);
    await page.evaluate(() => window.analytics!.off("track", (window as unknown as { offListener: () => void }).offListener));
    await callSdk(page, "track", ["Listened", { probe, n: 2 }]);

    const seen = await page.evaluate(() => window.seen!);
    expect(seen.on, "on(): both tracks").toHaveLength(2);
    expect(seen.once, "once(): the first track only").toHaveLength(1);
    expect(seen.off, "on() then off() after the first track: the first track only").toHaveLength(1);
  });
});
