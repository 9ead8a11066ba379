import { describe, expect, it } from "vitest";
import { emptyDeliveryMetrics, foldDeliveryHours, type DeliveryMetrics } from "../../destinations/delivery-stats";
import type { Destination } from "../../destinations/destination-store";
import {
  destinationBodyOf,
  destinationChangesOf,
  destinationEditFormOf,
  editFieldOf,
  EMPTY_DESTINATION_FORM,
  EMPTY_FILTER_FORM,
  editValuesOf,
  eventOf,
  filterOf,
  redriveIdsOf,
  redriveNotice,
} from "./destination-form";
import { DestinationPage } from "./destination-page";
import { DestinationsPage, type DestinationPageProps } from "./destination-pages";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const NOW = new Date("2026-05-01T12:30:00Z");

const metrics = (over: Partial<DeliveryMetrics> = {}): DeliveryMetrics => ({ ...emptyDeliveryMetrics(), ...over });
const destination: Destination = {
  id: "dst_1",
  name: hostile,
  type: "webhook",
  enabled: true,
  sourceIds: ["src_1"],
  settings: { url: `https://example.com/?q=${hostile}`, sharedSecret: "********", headers: { "X-Team": hostile } },
  consentCategories: [hostile],
};
const detail = (over: Partial<DestinationPageProps> = {}): DestinationPageProps => ({
  subject: "admin",
  csrfToken: "tok",
  destination,
  sources: [{ id: "src_1", name: hostile }],
  edit: { values: editValuesOf(destination) },
  filters: [],
  metrics: metrics(),
  hours: foldDeliveryHours([], NOW, 24),
  deadLetters: [],
  moreDeadLetters: false,
  filterForm: EMPTY_FILTER_FORM,
  preview: {
    values: { ...EMPTY_FILTER_FORM, action: "" },
    event: JSON.stringify({ event: hostile }),
    debuggerSourceId: "src_1",
    picks: [],
    entryId: "",
  },
  test: { event: "{}" },
  ...over,
});

describe("destination pages", () => {
  it("the list's empty state says what to do, and the create form carries the CSRF field", async () => {
    const html = await render(DestinationsPage({ subject: "admin", csrfToken: "tok", destinations: [], sources: [], form: EMPTY_DESTINATION_FORM }));
    expect(html).toContain("No destinations yet. Create one below");
    expect(html).toContain("No sources yet");
    expect(html).toContain('<form method="post" action="/console/destinations" class="stack"><input type="hidden" name="csrf" value="tok"/>');
    expect(html).toContain('<a href="/console/destinations" aria-current="page">Destinations</a>');
  });

  it("the list escapes names and keeps a typed form, error included", async () => {
    const html = await render(
      DestinationsPage({
        subject: "admin",
        csrfToken: "tok",
        destinations: [{ destination, metrics: metrics({ delivered: 9, failed: 1, p95LatencyMs: 120 }) }],
        sources: [{ id: "src_1", name: hostile, writeKey: "wk", enabled: true }],
        form: { ...EMPTY_DESTINATION_FORM, name: hostile, sourceIds: ["src_1"] },
        error: hostile,
      }),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("120 ms");
    expect(html).toContain('value="src_1" checked=""');
    expect(html).toContain('role="alert"');
  });

  it("the destination page escapes settings and events, shows secrets masked, and has every empty state", async () => {
    const html = await render(DestinationPage(detail()));
    expect(html).not.toContain("<script>");
    expect(html).toContain("********");
    expect(html).toContain("No filters: every event its sources send reaches it.");
    expect(html).toContain("No dead letters");
    expect(html).toContain("No deliveries in the last 24 hours.");
    expect(html).not.toContain("<svg");
    expect(html.match(/name="csrf" value="tok"/g)?.length).toBe(6); // sign-out, enable, edit, add filter, preview, tester
  });

  it("shows a preview's result and a test's attempts as text", async () => {
    const html = await render(
      DestinationPage(
        detail({
          preview: {
            ...detail().preview,
            values: { ...EMPTY_FILTER_FORM, if: "all", action: "" },
            event: "{}",
            outcome: { result: { matched: true, event: { properties: { note: hostile } } } },
          },
          test: {
            event: "{}",
            result: {
              outcome: { kind: "failed", reason: "http-400" } as never,
              attempts: [
                {
                  request: { url: "https://example.com/hook", method: "POST", headers: { "X-Signature": "abc" }, body: hostile },
                  response: { status: 400, headers: {}, body: hostile },
                  durationMs: 12,
                },
              ],
            },
          },
          hours: foldDeliveryHours([{ hour: "2026-05-01T12", outcome: "delivered", count: 7 }], NOW, 24),
          deadLetters: [{ id: "k", reason: hostile, deadLetteredAt: "2026-05-01T00:00:00Z", from: "deliveries", events: [{ event: hostile } as never] }],
        }),
      ),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("Matched");
    expect(html).toContain("X-Signature: abc");
    expect(html).toContain("Outcome: <b>failed</b>");
    expect(html).toContain("Re-drive all");
    expect(html).toContain('<input type="hidden" name="id" value="k"/><button type="submit" class="secondary small">Re-drive</button>');
    expect(html).toContain(
      '<svg viewBox="0 0 480 120" role="img" aria-label="Deliveries per hour over the last 24 hours: 7 delivered, 0 failed, 0 discarded."',
    );
    expect(html).toContain("<title>2026-05-01T12:00 UTC: 7 delivered, 0 failed, 0 discarded</title>");
  });

  it("the edit form is filled from the destination but never with a secret, and shows an error next to its field", async () => {
    const html = await render(
      DestinationPage(
        detail({
          edit: {
            values: { ...editValuesOf(destination), url: `ftp://${hostile}` },
            error: { field: "url", message: `settings.url: must be an http(s) URL ${hostile}` },
          },
        }),
      ),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain('<form method="post" action="/console/destinations/dst_1/settings#edit" class="stack">');
    expect(html).toMatch(
      /<input name="url" type="url" value="ftp:\/\/&lt;script&gt;[^"]*" required="" aria-invalid="true" aria-describedby="edit-url-error"\/>/,
    );
    expect(html).toContain('<p class="field-error" id="edit-url-error" role="alert">settings.url: must be an http(s) URL &lt;script&gt;');
    expect(html).toContain('<input name="sharedSecret" type="password" value=""');
    expect(html).toContain("one is stored: leave blank to keep it");
    expect(html).toContain('name="removeSharedSecret"');
    expect(html).toContain('<textarea name="headers" rows="2">X-Team: &lt;script&gt;');
    expect(html).toContain('value="src_1" checked=""');
    expect(html.match(/class="field-error"/g)?.length).toBe(1);
  });

  it("offers the debugger's newest events by type, name and time as text, the one picked selected, and the verdict on it", async () => {
    const html = await render(
      DestinationPage(
        detail({
          preview: {
            ...detail().preview,
            picks: [
              { id: "m-1", label: `track "${hostile}" · user u1 · 2026-05-01 10:00:03 UTC` },
              { id: "m-2", label: "page · anonymous a1 · 2026-05-01 09:59:00 UTC" },
            ],
            entryId: "m-1",
            outcome: { result: { matched: true, event: null }, against: `track "${hostile}"` },
          },
        }),
      ),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain('<option value="src_1" selected="">&lt;script&gt;');
    expect(html).toContain('<option value="m-1" selected="">track &quot;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<option value="m-2">page · anonymous a1 · 2026-05-01 09:59:00 UTC</option>');
    expect(html).toContain(
      '<form method="post" action="/console/destinations/dst_1/preview#preview-result" class="stack" data-live="/console/destinations/dst_1/preview.json">',
    );
    expect(html).toContain('<div class="result" id="preview-result" role="status"><p class="muted">Tried on track &quot;&lt;script&gt;');
    expect(html).toContain("Dropped: the destination would not receive this event.");
    expect(html).toContain('<script type="module" src="/console/assets/filter-preview.js"></script>');
  });

  it("says where to find events when the source's debugger has none, and shows a preview's error in the result", async () => {
    const html = await render(DestinationPage(detail({ preview: { ...detail().preview, outcome: { error: `Condition: ${hostile}` } } })));
    expect(html).toContain(
      'No events in this source&#39;s debugger yet: send one (it shows in the <a href="/console/sources/src_1/debugger">live debugger</a>)',
    );
    expect(html).toContain('<p class="error">Condition: &lt;script&gt;');
    expect(html).not.toContain('name="entry"');
    const noSources = await render(DestinationPage(detail({ sources: [], preview: { ...detail().preview, debuggerSourceId: null } })));
    expect(noSources).not.toContain('name="debuggerSource"');
    expect(noSources).toContain('<textarea name="event"');
  });
});

describe("destination forms", () => {
  it("turns webhook fields into the admin API's settings, and refuses a header line without a name", () => {
    const body = destinationBodyOf({
      ...EMPTY_DESTINATION_FORM,
      name: " Hook ",
      url: "https://e.com",
      headers: "X-A: 1\n\nX-B: two: parts",
      consentCategories: "A, ,B",
    });
    expect(body).toEqual({
      ok: true,
      body: {
        name: "Hook",
        type: "webhook",
        sourceIds: [],
        consentCategories: ["A", "B"],
        settings: { url: "https://e.com", batch: false, headers: { "X-A": "1", "X-B": "two: parts" } },
      },
    });
    expect(destinationBodyOf({ ...EMPTY_DESTINATION_FORM, name: "x", headers: ": v" })).toMatchObject({ ok: false });
    expect(destinationBodyOf({ ...EMPTY_DESTINATION_FORM })).toEqual({ ok: false, message: "Give the destination a name." });
  });

  it("reads the edit form into the admin API's PATCH body: a blank secret keeps the stored one, unticked boxes are saved as such", () => {
    const posted = {
      name: " Renamed ",
      url: "https://new.example.com",
      sharedSecret: "",
      headers: "X-A: 1",
      sourceIds: ["src_1", "src_1"],
      consentCategories: "A, B",
    };
    const values = destinationEditFormOf(posted);
    expect(values).toMatchObject({ enabled: false, batch: false, removeSharedSecret: false });
    expect(destinationChangesOf("webhook", values)).toEqual({
      ok: true,
      changes: {
        name: "Renamed",
        enabled: false,
        sourceIds: ["src_1"],
        consentCategories: ["A", "B"],
        settings: { url: "https://new.example.com", batch: false, sharedSecret: "********", headers: { "X-A": "1" } },
      },
    });
    const typed = destinationChangesOf("webhook", destinationEditFormOf({ ...posted, sharedSecret: "new", enabled: "on", batch: "on" }));
    expect(typed).toMatchObject({ ok: true, changes: { enabled: true, settings: { sharedSecret: "new", batch: true } } });
    const removed = destinationChangesOf("webhook", destinationEditFormOf({ ...posted, removeSharedSecret: "on" }));
    expect(removed.ok && removed.changes.settings).toEqual({ url: "https://new.example.com", batch: false, headers: { "X-A": "1" } });
    expect(destinationChangesOf("segment", destinationEditFormOf({ name: "S", writeKey: "" }))).toMatchObject({
      ok: true,
      changes: { settings: { writeKey: "********" } },
    });
  });

  it("names the edit form's field to fix", () => {
    const values = destinationEditFormOf({ name: "Hook", url: "https://e.com" });
    expect(destinationChangesOf("webhook", { ...values, name: " " })).toEqual({ ok: false, field: "name", message: "Give the destination a name." });
    expect(destinationChangesOf("webhook", { ...values, headers: "no colon" })).toMatchObject({ ok: false, field: "headers" });
    expect(destinationChangesOf("webhook", { ...values, sharedSecret: "x", removeSharedSecret: true })).toMatchObject({ ok: false, field: "sharedSecret" });
    expect(destinationChangesOf("webhook", { ...values, consentCategories: "x".repeat(201) })).toMatchObject({ ok: false, field: "consentCategories" });
    expect(destinationChangesOf("webhook", { ...values, consentCategories: Array.from({ length: 51 }, (_, i) => `c${i}`).join(",") })).toMatchObject({
      ok: false,
      field: "consentCategories",
    });
    expect(editFieldOf("settings.url")).toBe("url");
    expect(editFieldOf("settings.headers.Bad Name")).toBe("headers");
    expect(editFieldOf("sourceIds")).toBe("sourceIds");
    expect(editFieldOf("type")).toBe("name");
  });

  it("reads which dead letters a re-drive names, and says what it did", () => {
    expect(redriveIdsOf({ csrf: "tok" })).toBeUndefined();
    expect(redriveIdsOf({ id: "dead-letter/q/ds_1/2026-05-01/m.json" })).toEqual(["dead-letter/q/ds_1/2026-05-01/m.json"]);
    expect(redriveIdsOf({ id: ["a", ""] })).toEqual(["a"]);
    const one = { redriven: { deadLetters: 1, events: 1 }, remaining: false };
    expect(redriveNotice(one, ["a"])).toBe("Re-drove the dead letter: 1 event(s) queued again as first attempts.");
    expect(redriveNotice({ ...one, redriven: { deadLetters: 0, events: 0 } }, ["a"])).toMatch(/^Nothing to re-drive: that dead letter is gone/);
    expect(redriveNotice({ redriven: { deadLetters: 500, events: 700 }, remaining: true }, undefined)).toBe(
      "Re-drove 500 dead letter(s), 700 event(s). More remain: re-drive again.",
    );
  });

  it("checks FQL and actions with the admin API's schemas", () => {
    expect(filterOf({ ...EMPTY_FILTER_FORM, if: 'event = "A"', action: "DROP_PROPERTIES", fields: "properties.email, userId" })).toEqual({
      ok: true,
      if: 'event = "A"',
      actions: [{ type: "DROP_PROPERTIES", fields: { properties: ["email"], "": ["userId"] } }],
    });
    expect(filterOf({ ...EMPTY_FILTER_FORM, if: 'event = "A', action: "DROP" })).toMatchObject({ ok: false });
    expect(filterOf({ ...EMPTY_FILTER_FORM, if: "all", action: "SAMPLE", percent: "2" })).toMatchObject({ ok: false });
    expect(filterOf({ ...EMPTY_FILTER_FORM, if: "all", action: "DROP_PROPERTIES", fields: "" })).toMatchObject({ ok: false });
    expect(eventOf("[]")).toMatchObject({ ok: false });
    expect(eventOf('{"type":"track"}')).toEqual({ ok: true, event: { type: "track" } });
  });

  it("folds hourly rows into the window, oldest first, with empty hours as zeros", () => {
    const hours = foldDeliveryHours(
      [
        { hour: "2026-05-01T12", outcome: "delivered", count: 3 },
        { hour: "2026-05-01T12", outcome: "discarded:consent", count: 1 },
        { hour: "2026-05-01T10", outcome: "failed", count: 2 },
        { hour: "2026-04-01T10", outcome: "failed", count: 9 },
      ],
      NOW,
      3,
    );
    expect(hours).toEqual([
      { hour: "2026-05-01T10", delivered: 0, failed: 2, discarded: 0 },
      { hour: "2026-05-01T11", delivered: 0, failed: 0, discarded: 0 },
      { hour: "2026-05-01T12", delivered: 3, failed: 0, discarded: 1 },
    ]);
  });
});
