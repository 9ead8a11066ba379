import { describe, expect, it } from "vitest";
import { catalogEntry, type CatalogField } from "../../destinations/actions/catalog";
import { MASK } from "../../destinations/destination-settings";
import {
  defaultSettings,
  fieldKind,
  problemText,
  settingOfProblem,
  settingsFromInput,
  settingsInputFromForm,
  settingsInputOf,
  shownInput,
  storedSecretsOf,
} from "./actions-form";
import { SettingsFields } from "./settings-fields";

const field = (over: Partial<CatalogField>): CatalogField => ({ label: "Field", description: "", type: "string", required: false, ...over });

/** One field of every kind the catalog has. */
const FIELDS: Record<string, CatalogField> = {
  apiKey: field({ label: "API Key", type: "password", required: true, description: "Find it under [Settings](https://example.com/settings)." }),
  endpoint: field({
    label: "Endpoint Region",
    choices: [
      { label: "North America", value: "north_america" },
      { label: "Europe", value: "europe" },
    ],
    default: "north_america",
  }),
  projectId: field({ label: "Project ID", type: "number" }),
  retries: field({ label: "Retries", type: "integer" }),
  sandbox: field({ label: "Sandbox", type: "boolean", default: true }),
  ids: field({ label: "Advertiser IDs", multiple: true }),
  regions: field({
    label: "Regions",
    multiple: true,
    choices: [
      { label: "EU", value: "eu" },
      { label: "US", value: "us" },
    ],
  }),
  extra: field({ label: "Extra", type: "object" }),
  notes: field({ label: "Notes", type: "text" }),
  host: field({ label: "Host", format: "uri", placeholder: "https://api.example.com" }),
};

const render = async (node: unknown) => String(await node);

describe("the generated settings form", () => {
  it("gives each field type its input", () => {
    expect(Object.fromEntries(Object.entries(FIELDS).map(([key, definition]) => [key, fieldKind(definition)]))).toEqual({
      apiKey: "password",
      endpoint: "select",
      projectId: "number",
      retries: "integer",
      sandbox: "checkbox",
      ids: "lines",
      regions: "checkboxes",
      extra: "json",
      notes: "textarea",
      host: "text",
    });
  });

  it("starts from the defaults, and fills an edit form from stored settings with secrets blank", () => {
    expect(settingsInputOf(FIELDS, defaultSettings(FIELDS))).toMatchObject({ endpoint: "north_america", sandbox: "on", projectId: "", ids: "", regions: [] });
    const stored = { apiKey: MASK, endpoint: "europe", projectId: 42, sandbox: false, ids: ["a", "b"], regions: ["eu"], extra: { a: 1 }, host: "https://h" };
    expect(settingsInputOf(FIELDS, stored)).toEqual({
      apiKey: "",
      endpoint: "europe",
      projectId: "42",
      retries: "",
      sandbox: "",
      ids: "a\nb",
      regions: ["eu"],
      extra: '{\n  "a": 1\n}',
      notes: "",
      host: "https://h",
    });
    expect(storedSecretsOf(FIELDS, stored)).toEqual(["apiKey"]);
    expect(storedSecretsOf(FIELDS, {})).toEqual([]);
  });

  it("reads a posted form into settings of the right types, leaving blank fields out", () => {
    const input = settingsInputFromForm(FIELDS, {
      "settings.apiKey": " key with spaces ",
      "settings.endpoint": "europe",
      "settings.projectId": " 12.5 ",
      "settings.retries": "3",
      "settings.sandbox": "on",
      "settings.ids": "a\n\n b \r\nc",
      "settings.regions": ["eu", "us"],
      "settings.extra": '{"x": [1]}',
      "settings.notes": "",
      "settings.host": "https://api.example.com",
      name: "not a setting",
    });
    expect(settingsFromInput(FIELDS, input)).toEqual({
      ok: true,
      settings: {
        apiKey: " key with spaces ",
        endpoint: "europe",
        projectId: 12.5,
        retries: 3,
        sandbox: true,
        ids: ["a", "b", "c"],
        regions: ["eu", "us"],
        extra: { x: [1] },
        host: "https://api.example.com",
      },
    });
    const unticked = settingsFromInput(FIELDS, settingsInputFromForm(FIELDS, { "settings.apiKey": "k" }));
    expect(unticked).toEqual({ ok: true, settings: { apiKey: "k", sandbox: false } });
  });

  it("says what is wrong with each field, by key", () => {
    const wrong = settingsFromInput(FIELDS, {
      apiKey: "",
      endpoint: "mars",
      projectId: "twelve",
      retries: "1.5",
      regions: ["eu", "moon"],
      extra: "[1]",
      notes: "fine",
    });
    expect(wrong).toEqual({
      ok: false,
      errors: {
        apiKey: "API Key is required.",
        endpoint: "Endpoint Region must be one of: North America, Europe.",
        projectId: "Project ID must be a number.",
        retries: "Retries must be a whole number.",
        regions: "Regions must be one of: EU, US.",
        extra: 'Extra must be a JSON object, like {"key": "value"}.',
      },
    });
    expect(settingsFromInput({ extra: FIELDS.extra! }, { extra: "{oops" })).toMatchObject({
      ok: false,
      errors: { extra: expect.stringMatching(/^Extra: not JSON/) as string },
    });
  });

  it("keeps a stored secret left blank (sent as the mask), and never shows a typed one again", () => {
    expect(settingsFromInput({ apiKey: FIELDS.apiKey! }, { apiKey: "" }, ["apiKey"])).toEqual({ ok: true, settings: { apiKey: MASK } });
    expect(settingsFromInput({ apiKey: FIELDS.apiKey! }, { apiKey: "new" }, ["apiKey"])).toEqual({ ok: true, settings: { apiKey: "new" } });
    expect(shownInput(FIELDS, { apiKey: "typed-secret", endpoint: "europe" })).toEqual({ input: { apiKey: "", endpoint: "europe" }, retype: ["apiKey"] });
  });

  it("places the destination's own check's problems next to the field they name", () => {
    const amplitude = catalogEntry("amplitude").settings;
    expect(settingOfProblem(amplitude, { field: "settings.", message: "settings.: The root value is missing the required field 'secretKey'." })).toBe(
      "secretKey",
    );
    expect(settingOfProblem(amplitude, { field: "settings.", message: 'Endpoint Region must be one of: "north_america" or "europe".' })).toBe("endpoint");
    expect(settingOfProblem(amplitude, { field: "settings.apiKey", message: "settings.apiKey: Expected string" })).toBe("apiKey");
    expect(settingOfProblem(amplitude, { field: "settings.subscriptions.0.subscribe", message: "API Key" })).toBeNull();
    expect(settingOfProblem(amplitude, { field: "settings.", message: "something else" })).toBeNull();
    expect(problemText({ field: "settings.", message: "settings.: The root value is missing…" })).toBe("The root value is missing…");
  });

  it("renders labels, help text with its links, required markers, inputs by type, and errors tied to their fields", async () => {
    const html = await render(
      SettingsFields({
        state: {
          fields: FIELDS,
          input: { ...settingsInputOf(FIELDS, defaultSettings(FIELDS)), notes: `<script>alert(1)</script>` },
          errors: { projectId: "Project ID must be a number." },
          storedSecrets: [],
          retype: ["apiKey"],
        },
        prefix: "s",
      }),
    );
    expect(html).toContain('<label for="s-apiKey">API Key<span class="req" aria-hidden="true"> *</span></label>');
    expect(html).toMatch(/<input type="password" value="" autocomplete="off" id="s-apiKey" name="settings.apiKey" required=""/);
    expect(html).toContain('Find it under <a href="https://example.com/settings" rel="noopener noreferrer">Settings</a>.');
    expect(html).toContain("Type it again: a secret is never sent back to the page.");
    expect(html).toContain('<option value="north_america" selected="">North America</option>');
    expect(html).toMatch(
      /<input type="number" step="any" value="" id="s-projectId" name="settings.projectId" aria-invalid="true" aria-describedby="s-projectId-error"/,
    );
    expect(html).toContain('<p class="field-error" id="s-projectId-error" role="alert">Project ID must be a number.</p>');
    expect(html).toMatch(/<input type="checkbox" name="settings.sandbox" id="s-sandbox" checked=""/);
    expect(html).toContain('<input type="checkbox" name="settings.regions" id="s-regions-0" value="eu"/>');
    expect(html).toContain('type="url"');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
  });

  it("a stored secret is optional to retype, and says so", async () => {
    const html = await render(
      SettingsFields({ state: { fields: { apiKey: FIELDS.apiKey! }, input: { apiKey: "" }, errors: {}, storedSecrets: ["apiKey"], retype: [] }, prefix: "e" }),
    );
    expect(html).toContain("One is stored: leave blank to keep it, or type a new one.");
    expect(html).not.toContain("required=");
  });

  it("a destination without settings says so", async () => {
    expect(await render(SettingsFields({ state: { fields: {}, input: {}, errors: {}, storedSecrets: [], retype: [] }, prefix: "s" }))).toContain("No settings");
  });
});
