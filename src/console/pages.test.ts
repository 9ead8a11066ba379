import { describe, expect, it } from "vitest";
import { Layout, ScrollRegion } from "./layout";
import { describeWait, SignInPage, TooManyAttemptsPage } from "./pages";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);

describe("console pages", () => {
  it("the sign-in page: a form posting the token to /console/sign-in, the error as text", async () => {
    const html = await render(SignInPage({ error: hostile }));
    expect(html).toContain('<form method="post" action="/console/sign-in">');
    expect(html).toMatch(/<input id="token" name="token" type="password"/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script");
    expect(html).toContain('<link rel="stylesheet" href="/console/console.css"/>');
  });

  it("the sign-in page without an error has no alert", async () => {
    expect(await render(SignInPage({}))).not.toContain('role="alert"');
  });

  it("the signed-in layout: every section in the navigation, the subject as text, sign-out with the CSRF field", async () => {
    const html = await render(Layout({ title: "Overview", current: "overview", subject: hostile, csrfToken: "tok" }));
    for (const label of ["Overview", "Sources", "Schema", "Tracking plans", "Destinations", "Profiles", "Replays", "API"])
      expect(html).toContain(`>${label}</`);
    expect(html).toContain('<a href="/console" aria-current="page">Overview</a>');
    expect(html).toContain('<a href="/api/v1/docs">API</a>');
    expect(html).toContain('<input type="hidden" name="csrf" value="tok"/>');
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script");
  });

  it("the signed-in layout opens with a skip link to the content, which can take the focus", async () => {
    const html = await render(Layout({ title: "Overview", current: "overview", subject: "admin", csrfToken: "tok" }));
    expect(html).toMatch(/<body><a class="skip" href="#content">Skip to content<\/a>/);
    expect(html).toContain('<main id="content" tabindex="-1">');
  });

  it("a scrolling region is a named Tab stop, so the keyboard can scroll it", async () => {
    const html = await render(ScrollRegion({ label: "Sources", children: "table" }));
    expect(html).toBe('<div class="table-wrap" role="region" aria-label="Sources" tabindex="0">table</div>');
  });

  it("says how long to wait in words", async () => {
    expect(describeWait(1)).toBe("1 second");
    expect(describeWait(59)).toBe("59 seconds");
    expect(describeWait(60)).toBe("1 minute");
    expect(describeWait(601)).toBe("11 minutes");
    expect(await render(TooManyAttemptsPage({ retryAfterSeconds: 600 }))).toContain("Try again in 10 minutes.");
  });
});
