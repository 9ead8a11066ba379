import { describe, expect, it } from "vitest";
import { catalogEntry, type CatalogEntry } from "../../destinations/actions/catalog";
import { plainText, truncateText } from "../markdown-text";
import { CatalogPage, SetupPage } from "./catalog-pages";
import { catalogItemOf, searchCatalog, type CatalogItem } from "./catalog-search";
import { emptySetupForm, setupBodyOf, setupFormOf } from "./setup-form";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);

const item = (name: string, description = "", slug = name.toLowerCase().replace(/\W+/g, "-")): CatalogItem => ({
  slug,
  name,
  description,
  actions: 1,
  actionTitles: ["Track Event"],
});

describe("the catalog list", () => {
  it("finds destinations by every word of the query, names that start with it first", () => {
    const items = [
      item("Mixpanel (Actions)", "Send events to Mixpanel."),
      item("Amplitude (Actions)", "Analytics."),
      item("Braze Cloud Mode", "Send events to Mixpanel too"),
    ];
    expect(searchCatalog(items, "").map((found) => found.name)).toEqual(["Amplitude (Actions)", "Braze Cloud Mode", "Mixpanel (Actions)"]);
    expect(searchCatalog(items, "mixpanel").map((found) => found.name)).toEqual(["Mixpanel (Actions)", "Braze Cloud Mode"]);
    expect(searchCatalog(items, "SEND  events  mixpanel").map((found) => found.name)).toEqual(["Mixpanel (Actions)", "Braze Cloud Mode"]);
    expect(searchCatalog(items, "nothing like it")).toEqual([]);
    expect(searchCatalog(items, "track event").length).toBe(3); // every one's action
  });

  it("shows descriptions as plain text, cut at a word", () => {
    expect(plainText("Send to the [Altertable REST API](https://altertable.ai/docs) **now**")).toBe("Send to the Altertable REST API now");
    expect(truncateText("one two three four", 12)).toBe("one two…");
    expect(truncateText("short", 12)).toBe("short");
    expect(catalogItemOf(catalogEntry("webhook"))).toMatchObject({ slug: "webhook", actions: expect.any(Number) as number });
  });

  it("lists a page of destinations with links to their setup, the filter kept, and escapes what it shows", async () => {
    const html = await render(
      CatalogPage({
        subject: "admin",
        csrfToken: "tok",
        query: hostile,
        page: 1,
        items: [item(hostile, "x".repeat(300), "evil"), item("Webhooks", "")],
        found: 60,
        total: 199,
      }),
    );
    expect(html).toContain('<a href="/console/catalog" aria-current="page">Catalog</a>');
    expect(html).toContain('<form method="get" action="/console/catalog" class="lookup" role="search">');
    expect(html).toContain('name="q" value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"');
    expect(html).toContain('<a href="/console/catalog/evil">');
    expect(html).toContain(`${"x".repeat(139)}…`);
    expect(html).toContain('<span class="muted">Actions: Track Event.</span>'); // no description: its actions say what it does
    expect(html).toContain("60 destinations match");
    expect(html).toContain("1–48 of 60 destinations");
    expect(html).toContain('href="/console/catalog?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27&amp;page=2"');
    expect(html).not.toContain("<script>");
  });

  it("says what to do when nothing matches", async () => {
    const html = await render(CatalogPage({ subject: "admin", csrfToken: "tok", query: "zzz", page: 1, items: [], found: 0, total: 199 }));
    expect(html).toContain("No destination matches “zzz”");
    expect(html).toContain('<a href="/console/catalog">Show every destination</a>');
  });
});

/** A destination with a secret, a choice and two automatic presets, one of them for an action it lacks. */
const ENTRY: CatalogEntry = {
  slug: "acme",
  type: "actions:acme",
  name: "Acme (Actions)",
  description: "Send to [Acme](https://acme.example).",
  authentication: "custom",
  settings: {
    apiKey: { label: "API Key", description: "Your key.", type: "password", required: true },
    region: {
      label: "Region",
      description: "",
      type: "string",
      required: false,
      choices: [
        { label: "EU", value: "eu" },
        { label: "US", value: "us" },
      ],
      default: "eu",
    },
  },
  actions: [{ key: "track", title: "Track Event", description: "Sends a track call.", defaultSubscription: 'type = "track"', batching: true, fields: {} }],
  presets: [
    { name: "Track Calls", partnerAction: "track", type: "automatic", subscribe: 'type = "track"', mapping: { event: { "@path": "$.event" } } },
    { name: "Order Completed", partnerAction: "track", type: "specificEvent", subscribe: null, mapping: {} },
    { name: "Page Calls", partnerAction: "track", type: "automatic", subscribe: 'type = "page"', mapping: {} },
  ],
};

describe("the setup form", () => {
  it("starts with the destination's name, its defaults, and every automatic preset chosen", () => {
    expect(emptySetupForm(ENTRY)).toEqual({
      name: "Acme (Actions)",
      settings: { apiKey: "", region: "eu" },
      sourceIds: [],
      consentCategories: "",
      presets: ["0", "2"],
    });
  });

  it("becomes the admin API's create body: settings typed, the chosen presets as subscriptions", () => {
    const values = setupFormOf(ENTRY, {
      name: " Acme EU ",
      "settings.apiKey": "k-1",
      "settings.region": "us",
      sourceIds: ["src_1", "src_1"],
      consentCategories: "Analytics, Ads",
      presets: "2",
    });
    expect(setupBodyOf(ENTRY, values)).toEqual({
      ok: true,
      body: {
        name: "Acme EU",
        type: "actions:acme",
        sourceIds: ["src_1"],
        consentCategories: ["Analytics", "Ads"],
        settings: {
          apiKey: "k-1",
          region: "us",
          subscriptions: [{ name: "Page Calls", subscribe: 'type = "page"', partnerAction: "track", mapping: {}, enabled: true }],
        },
      },
    });
  });

  it("names every field to fix at once", () => {
    expect(setupBodyOf(ENTRY, setupFormOf(ENTRY, { name: " ", "settings.region": "mars" }))).toEqual({
      ok: false,
      errors: { name: "Give the destination a name.", "settings.apiKey": "API Key is required.", "settings.region": "Region must be one of: EU, US." },
    });
  });

  it("renders the generated form with errors beside their fields, what was typed kept and secrets asked for again", async () => {
    const values = { ...setupFormOf(ENTRY, { name: hostile, "settings.region": "us", presets: "0" }), settings: { apiKey: "", region: "us" } };
    const html = await render(
      SetupPage({
        subject: "admin",
        csrfToken: "tok",
        entry: ENTRY,
        sources: [{ id: "src_1", name: hostile }],
        values,
        retype: ["apiKey"],
        errors: { "settings.apiKey": "API Key is required.", sourceIds: "Source src_2 no longer exists: reload the page." },
      }),
    );
    expect(html).toContain("<h1>Set up Acme (Actions)</h1>");
    expect(html).toContain('<form method="post" action="/console/catalog/acme" class="stack"><input type="hidden" name="csrf" value="tok"/>');
    expect(html).toContain('Send to <a href="https://acme.example" rel="noopener noreferrer">Acme</a>.');
    expect(html).toContain("The destination was not created: fix the fields marked below.");
    expect(html).toContain('<p class="field-error" id="setup-setting-apiKey-error" role="alert">API Key is required.</p>');
    expect(html).toContain("Type it again");
    expect(html).toContain('<option value="us" selected="">US</option>');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"');
    expect(html).toContain('<input type="checkbox" name="presets" value="0" checked=""/>');
    expect(html).toContain('<input type="checkbox" name="presets" value="2"/>');
    expect(html).not.toContain("Order Completed"); // not an automatic preset
    expect(html).toContain("Source src_2 no longer exists");
    expect(html).toContain("<li><b>Track Event</b> Sends a track call.");
    expect(html).not.toContain("<script>");
  });

  it("a real destination's form: Segment's Webhook (Actions) has one optional secret and no presets", async () => {
    const webhook = catalogEntry("webhook");
    const html = await render(
      SetupPage({ subject: "admin", csrfToken: "tok", entry: webhook, sources: [], values: emptySetupForm(webhook), retype: [], errors: {} }),
    );
    expect(html).toMatch(/<input type="password" value="" autocomplete="off" id="setup-setting-sharedSecret" name="settings.sharedSecret"/);
    expect(html).toContain("No default mappings");
    expect(html).not.toContain('role="alert"');
  });
});
