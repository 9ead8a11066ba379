import { describe, expect, it } from "vitest";
import { embeddedSettingsFor, toScriptJson, wrapSdk } from "./embed-settings";

describe("embedding settings in the bundle", () => {
  it("escapes what could end a script or a line, and stays JSON with the same value", () => {
    const value = { a: "</script><!-- & -->", b: "\u2028\u2029" };
    const json = toScriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain("\\u003c/script\\u003e");
    expect(JSON.parse(json)).toEqual(value);
  });

  it("wraps the SDK in a function whose parameter is __sluice", () => {
    const settings = embeddedSettingsFor(
      { id: "src1", writeKey: "wk" },
      new URL("https://data.example.com/analytics.js/v1/wk/analytics.min.js"),
      "example.com",
      "1.2.3",
    );
    expect(settings).toEqual({ writeKey: "wk", apiHost: "https://data.example.com/v1", cookieDomain: "example.com", sourceId: "src1", version: "1.2.3" });
    const body = wrapSdk("window.got=__sluice//trailing comment", settings);
    expect(body).toBe(`(function(__sluice){window.got=__sluice//trailing comment\n})(${JSON.stringify(settings)});`);
  });

  it("keeps the port in apiHost and cannot be broken out of by a crafted write key", () => {
    const settings = embeddedSettingsFor({ id: "s", writeKey: "k</script>\u2028" }, new URL("http://localhost:8787/x"), "", "0");
    expect(settings.apiHost).toBe("http://localhost:8787/v1");
    const body = wrapSdk("", settings);
    expect(body).not.toContain("</script>");
    expect(body).not.toMatch(/\u2028/);
  });
});
