import { describe, expect, it } from "vitest";
import type { DebuggerEntry } from "../../debugger/entry";
import { DebuggerPage } from "./debugger";

const hostile = `<img src=x onerror=alert(1)>"'`;
const signedIn = { session: { v: 1 as const, sub: "admin", iat: 0, exp: 1, csrf: "AAAAAAAAAAAAAAAAAAAAAA" }, csrfToken: "tok" };
const source = { id: "src_1", name: hostile, writeKey: "wk_1" };
const render = async (page: unknown) => String(await page);

describe("the debugger page", () => {
  it("with no events: the search, the pause button, and how to send a first event to this deployment", async () => {
    const html = await render(DebuggerPage({ source, origin: "https://data.example.com", entries: [], signedIn }));
    expect(html).toMatch(/<input type="search" id="debugger-search"/);
    expect(html).toContain('<button type="button" id="debugger-pause" aria-pressed="false">Pause</button>');
    expect(html).toContain('data-stream="/console/sources/src_1/debugger/stream"');
    expect(html).toContain("curl https://data.example.com/v1/track -u &#39;wk_1:&#39; \\\n  -H &#39;Content-Type: application/json&#39; \\\n  -d");
    expect(html).toMatch(/<div id="debugger-empty" class="empty">/);
    expect(html).toContain('<script type="module" src="/console/assets/debugger.js"></script>');
    expect(html).not.toContain("<img");
  });

  it("with events: newest first as given, each value as text, the empty state hidden", async () => {
    const entry = (id: string, event: unknown): DebuggerEntry => ({
      id,
      messageId: id,
      sourceId: "src_1",
      receivedAt: "2026-01-01T00:00:00.000Z",
      kind: "accepted",
      event,
      journey: {},
    });
    const html = await render(
      DebuggerPage({ source, origin: "https://x", entries: [entry("b", { type: "track", event: hostile }), entry("a", { type: "page" })], signedIn }),
    );
    expect(html.indexOf('data-id="b"')).toBeLessThan(html.indexOf('data-id="a"'));
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toMatch(/<div id="debugger-empty" class="empty" hidden="">/);
  });
});
