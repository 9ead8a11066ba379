import { describe, expect, it } from "vitest";
import { catalogEntry, type CatalogEntry } from "../../destinations/actions/catalog";
import type { Subscription } from "../../destinations/actions/subscriptions";
import { emptyDeliveryMetrics, foldDeliveryHours } from "../../destinations/delivery-stats";
import type { Destination } from "../../destinations/destination-store";
import { requestPreviewView, type RequestPreviewOutcome } from "../request-preview-view";
import { ViewTree } from "../view-tree";
import { EMPTY_FILTER_FORM, editValuesOf } from "./destination-form";
import { DestinationPage } from "./destination-page";
import type { DestinationPageProps } from "./destination-pages";
import {
  actionDefaults,
  mappingErrorsOf,
  mappingFormOf,
  mappingIndexOf,
  mappingValuesOf,
  savedSubscriptions,
  subscriptionsOf,
  subscriptionsVersion,
  templateValues,
  withoutSubscription,
  withSubscriptionEnabled,
} from "./subscriptions-form";

const hostile = `<script>alert(1)</script>"'`;
const render = async (node: unknown) => String(await node);

const ENTRY: CatalogEntry = {
  slug: "acme",
  type: "actions:acme",
  name: "Acme",
  description: "",
  authentication: null,
  settings: {},
  actions: [
    {
      key: "track",
      title: "Track Event",
      description: "Sends a track call.",
      defaultSubscription: 'type = "track"',
      batching: false,
      fields: {
        event: { label: "Event", description: "", type: "string", required: true, default: { "@path": "$.event" } },
        note: { label: "Note", description: "", type: "string", required: false },
      },
    },
    { key: "identify", title: "Identify", description: "", defaultSubscription: null, batching: false, fields: {} },
  ],
  presets: [{ name: "Orders", partnerAction: "track", type: "automatic", subscribe: 'event = "Order Completed"', mapping: { event: "Order" } }],
};

const ORDERS: Subscription = { name: "Orders", subscribe: 'event = "Order Completed"', partnerAction: "track", mapping: { event: "Order" }, enabled: true };
const values = (over: Partial<ReturnType<typeof mappingValuesOf>> = {}) => ({ ...mappingValuesOf(ORDERS), ...over });

describe("the mapping editor's form", () => {
  it("starts a new mapping from an action's field defaults or a preset", () => {
    expect(actionDefaults(ENTRY.actions[0]!)).toEqual({ event: { "@path": "$.event" } });
    expect(templateValues(ENTRY, "action:track")).toEqual({
      name: "Track Event",
      partnerAction: "track",
      subscribe: 'type = "track"',
      mapping: '{\n  "event": {\n    "@path": "$.event"\n  }\n}',
      enabled: true,
    });
    expect(templateValues(ENTRY, "action:identify")).toMatchObject({ partnerAction: "identify", subscribe: 'type = "track"', mapping: "{}" });
    expect(templateValues(ENTRY, "preset:0")).toMatchObject({ name: "Orders", subscribe: 'event = "Order Completed"', mapping: '{\n  "event": "Order"\n}' });
    expect(templateValues(ENTRY, "nonsense").partnerAction).toBe("track");
    // Segment's Webhook (Actions): its send action's data defaults to the whole event.
    expect(JSON.parse(templateValues(catalogEntry("webhook"), "").mapping)).toMatchObject({ method: "POST", data: { "@path": "$." } });
  });

  it("reads the posted form, and which mapping it names", () => {
    expect(mappingFormOf({ index: "2", version: "v1", name: "N", partnerAction: "track", subscribe: "s", mapping: "{}", enabled: "on" })).toEqual({
      index: 2,
      version: "v1",
      values: { name: "N", partnerAction: "track", subscribe: "s", mapping: "{}", enabled: true },
    });
    expect(mappingFormOf({}).index).toBeNull();
    expect([mappingIndexOf("0"), mappingIndexOf("new"), mappingIndexOf("-1"), mappingIndexOf("1.5"), mappingIndexOf(undefined)]).toEqual([
      0,
      null,
      null,
      null,
      null,
    ]);
  });

  it("adds, replaces, enables and removes mappings in the list", () => {
    const page = { ...ORDERS, name: "Pages", subscribe: 'type = "page"' };
    expect(savedSubscriptions(ENTRY, [ORDERS], null, values({ name: "Pages", subscribe: ' type = "page" ', mapping: "" }))).toEqual({
      ok: true,
      subscriptions: [ORDERS, { ...page, mapping: {} }],
    });
    expect(savedSubscriptions(ENTRY, [ORDERS, page], 0, values({ enabled: false }))).toEqual({
      ok: true,
      subscriptions: [{ ...ORDERS, enabled: false }, page],
    });
    expect(savedSubscriptions(ENTRY, [], null, values({ name: " ", partnerAction: "identify" }))).toMatchObject({
      ok: true,
      subscriptions: [{ name: "Identify" }],
    });
    expect(withSubscriptionEnabled([ORDERS, page], 1, false)).toEqual([ORDERS, { ...page, enabled: false }]);
    expect(withoutSubscription([ORDERS, page], 0)).toEqual([page]);
  });

  it("says what to fix, field by field", () => {
    expect(savedSubscriptions(ENTRY, [ORDERS], null, values({ partnerAction: "teleport", subscribe: " ", mapping: "[1]" }))).toEqual({
      ok: false,
      errors: {
        partnerAction: "Choose one of the destination's actions.",
        subscribe: 'Write a condition, such as type = "track" and event = "Order Completed".',
        mapping: 'The mapping must be a JSON object of the action\'s fields, like {"url": "https://…", "data": {"@path": "$.properties"}}.',
        name: "Another mapping is called Orders: give this one its own name.",
      },
    });
    expect(savedSubscriptions(ENTRY, [ORDERS], null, values({ name: "New", mapping: "{" }))).toMatchObject({
      ok: false,
      errors: { mapping: expect.stringMatching(/^Not JSON/) as string },
    });
    expect(savedSubscriptions(ENTRY, [ORDERS], 0, values())).toMatchObject({ ok: true }); // its own name is no clash
    expect(savedSubscriptions(ENTRY, [ORDERS], 3, values())).toEqual({
      ok: false,
      errors: { form: "That mapping no longer exists: it was deleted meanwhile. Reload the page." },
    });
    const full = Array.from({ length: 50 }, (_, index) => ({ ...ORDERS, name: `m${index}` }));
    expect(savedSubscriptions(ENTRY, full, null, values({ name: "one more" }))).toMatchObject({
      ok: false,
      errors: { form: expect.stringContaining("at most 50") as string },
    });
  });

  it("places the admin API's problems next to the editor's fields, or above it", () => {
    const fql = { field: "settings.subscriptions.1.subscribe", message: "settings.subscriptions.1.subscribe: not a valid condition: Unexpected token" };
    expect(mappingErrorsOf(fql, 1, 'type = "track"')).toEqual({
      subscribe: 'Not a valid condition: Unexpected token. Write FQL such as type = "track" and event = "Order Completed".',
    });
    // Where Segment's parser says little, Sluice's says where the condition goes wrong.
    expect(mappingErrorsOf(fql, 1, 'type = "track" and (')).toEqual({
      subscribe:
        'Not a valid condition: at offset 20: expected a value (a field, string, number, true, false, null, list or function call), found the end of the query. Write FQL such as type = "track" and event = "Order Completed".',
    });
    expect(mappingErrorsOf(fql, 0)).toEqual({ form: fql.message });
    expect(mappingErrorsOf({ field: "settings.subscriptions", message: "at most 50" }, 0)).toEqual({ form: "at most 50" });
  });

  it("versions the list, so a change made meanwhile is noticed", () => {
    expect(subscriptionsVersion([ORDERS])).toBe(subscriptionsVersion([{ ...ORDERS }]));
    expect(subscriptionsVersion([ORDERS])).not.toBe(subscriptionsVersion([{ ...ORDERS, enabled: false }]));
    expect(subscriptionsOf({ subscriptions: [ORDERS] })).toEqual([ORDERS]);
    expect(subscriptionsOf({})).toEqual([]);
  });
});

describe("the request preview's view", () => {
  const outcome: RequestPreviewOutcome = {
    titles: { track: "Track Event" },
    against: 'track "Order Completed" · user u1',
    mappings: [
      {
        name: hostile,
        partnerAction: "track",
        subscribe: 'event = "Order Completed"',
        matched: true,
        requests: [{ method: "POST", url: "https://api.acme.example/track", headers: { authorization: "********" }, body: '{"event":"Order","total":3}' }],
        error: null,
      },
      { name: "Broken", partnerAction: "track", subscribe: "all", matched: true, requests: [], error: "The root value is missing the required field 'event'." },
      { name: "Off", partnerAction: "identify", subscribe: 'type = "identify"', matched: false, requests: [], error: "disabled" },
    ],
  };

  it("shows each mapping's verdict, its requests pretty-printed, or why it would not send", async () => {
    const html = (await Promise.all(requestPreviewView(outcome).map((node) => render(ViewTree({ node }))))).join("");
    expect(html).toContain("Tried on track &quot;Order Completed&quot; · user u1, from the debugger.");
    expect(html).toContain("2 of 3 mappings match this event.");
    expect(html).toContain('<span class="pill pill-ok">Matched</span>');
    expect(html).toContain("Action: Track Event · if <code>event = &quot;Order Completed&quot;</code>");
    expect(html).toContain('<p class="request-line"><b>POST</b> <code>https://api.acme.example/track</code></p>');
    expect(html).toContain(
      '<pre class="mono" tabindex="0">authorization: ********\n\n{\n  &quot;event&quot;: &quot;Order&quot;,\n  &quot;total&quot;: 3\n}</pre>',
    );
    expect(html).toContain("Would not send: The root value is missing the required field &#39;event&#39;.");
    expect(html).toContain('<span class="pill pill-off">Disabled</span>');
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(requestPreviewView({ mappings: [], titles: {} })).toEqual([
      { tag: "p", children: ["No mappings: nothing would be sent. Add a mapping above, then preview again."] },
    ]);
    expect(requestPreviewView({ error: "Event: not JSON" })).toEqual([{ tag: "p", attrs: { class: "error" }, children: ["Event: not JSON"] }]);
  });
});

describe("an Actions destination's page", () => {
  const destination: Destination = {
    id: "dst_a",
    name: "Acme",
    type: "actions:acme",
    enabled: true,
    sourceIds: [],
    settings: { apiKey: "********", subscriptions: [ORDERS, { ...ORDERS, name: hostile, enabled: false }] },
    consentCategories: [],
  };
  const entry: CatalogEntry = { ...ENTRY, settings: { apiKey: { label: "API Key", description: "", type: "password", required: true } } };
  const props = (over: Partial<DestinationPageProps> = {}): DestinationPageProps => ({
    subject: "admin",
    csrfToken: "tok",
    destination,
    sources: [],
    edit: {
      values: editValuesOf(destination),
      settings: { fields: entry.settings, input: { apiKey: "" }, errors: { apiKey: "API Key is required." }, storedSecrets: ["apiKey"], retype: [] },
    },
    filters: [],
    metrics: emptyDeliveryMetrics(),
    hours: foldDeliveryHours([], new Date("2026-05-01T12:00:00Z"), 24),
    deadLetters: [],
    moreDeadLetters: false,
    filterForm: EMPTY_FILTER_FORM,
    preview: { values: { ...EMPTY_FILTER_FORM, action: "" }, event: "{}", debuggerSourceId: null, picks: [], entryId: "" },
    test: { event: "{}" },
    actions: {
      entry,
      subscriptions: [ORDERS, { ...ORDERS, name: hostile, enabled: false }],
      version: "v1",
      editor: { index: 1, values: values({ name: hostile, subscribe: "type = (" }), errors: { subscribe: "Not a valid condition." } },
      requests: { event: '{"type":"track"}', debuggerSourceId: null, picks: [], entryId: "", outcome },
      notice: "Mapping saved.",
    },
    ...over,
  });
  const outcome: RequestPreviewOutcome = { mappings: [], titles: {} };

  it("lists its mappings with their forms, the editor with its errors, the request preview, and the generated settings", async () => {
    const html = await render(DestinationPage(props()));
    expect(html).toContain('<a href="/console/catalog/acme">Acme</a> <code>actions:acme</code>');
    expect(html).toContain("<dt>API Key</dt>");
    expect(html).not.toContain("<dt>subscriptions</dt>");
    expect(html).toContain('<a href="#mappings">1 enabled of 2</a>');
    expect(html).toContain("Mapping saved.");
    expect(html).toContain('<a href="/console/destinations/dst_a?mapping=0#mapping-editor" aria-label="Edit Orders">Edit</a>');
    expect(html).toContain(
      '<form method="post" action="/console/destinations/dst_a/mappings/enabled#mappings" class="inline"><input type="hidden" name="csrf" value="tok"/>',
    );
    expect(html).toContain('<input type="hidden" name="version" value="v1"/>');
    expect(html).toContain(
      '<form method="post" action="/console/destinations/dst_a/mappings#mapping-editor" class="stack"><input type="hidden" name="csrf" value="tok"/><input type="hidden" name="index" value="1"/>',
    );
    expect(html).toContain('<p class="field-error" id="mapping-subscribe-error" role="alert">Not a valid condition.</p>');
    expect(html).toContain('value="type = ("');
    expect(html).toContain('<option value="track" selected="">Track Event</option>');
    expect(html).toContain('<details class="action-fields" open="">');
    expect(html).toContain(
      '<form method="post" action="/console/destinations/dst_a/requests#requests-result" class="stack" data-live-requests="/console/destinations/dst_a/requests.json">',
    );
    expect(html).toContain('<script type="module" src="/console/assets/request-preview.js"></script>');
    expect(html).toContain('<p class="field-error" id="edit-setting-apiKey-error" role="alert">API Key is required.</p>');
    expect(html).toContain("One is stored: leave blank to keep it");
    expect(html).not.toContain("<script>");
  });

  it("a new mapping's editor offers the actions and presets to start from", async () => {
    const html = await render(
      DestinationPage(
        props({ actions: { ...props().actions!, editor: { index: null, values: templateValues(ENTRY, "preset:0"), errors: {}, from: "preset:0" } } }),
      ),
    );
    expect(html).toContain('<form method="get" action="/console/destinations/dst_a#mapping-editor" class="start-from">');
    expect(html).toContain('<option value="preset:0" selected="">Orders</option>');
    expect(html).toContain("Add a mapping");
  });
});
