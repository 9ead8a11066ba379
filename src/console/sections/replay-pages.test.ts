import { describe, expect, it } from "vitest";
import type { ReplayProgress } from "../../replay/replay-store";
import { ReplayPage, ReplaysPage, shortInstant } from "./replay-pages";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const form = {
  sourceId: "src_1",
  destinationIds: [],
  from: "2026-05-01T00:00:00",
  to: "2026-05-02T00:00:00",
  eventTypes: [],
  eventNames: "",
  ratePerSecond: "",
};
const progress = (over: Partial<ReplayProgress> = {}): ReplayProgress => ({
  id: "rpl_1",
  status: "running",
  phase: "sending",
  sourceId: "src_1",
  from: "2026-05-01T00:00:00.000Z",
  to: "2026-05-02T00:00:00.000Z",
  total: 10,
  sent: 4,
  discarded: 1,
  failed: 0,
  destinations: [{ destinationId: "dst_1", status: "running", total: 10, sent: 4, discarded: 1, failed: 0, error: hostile }],
  createdAt: "2026-05-03T00:00:00Z",
  updatedAt: "2026-05-03T00:00:01Z",
  ...over,
});

describe("replay pages", () => {
  it("the history's empty state, and the form's when there is no source", async () => {
    const html = await render(ReplaysPage({ subject: "admin", csrfToken: "tok", replays: [], sources: [], destinations: [], form }));
    expect(html).toContain("No replays yet.");
    expect(html).toContain("No sources yet");
    expect(html).not.toContain('action="/console/replays"');
  });

  it("the start form keeps what was typed and escapes names and errors", async () => {
    const html = await render(
      ReplaysPage({
        subject: "admin",
        csrfToken: "tok",
        replays: [],
        sources: [{ id: "src_1", name: hostile, writeKey: "w", enabled: true }],
        destinations: [{ id: "dst_1", name: hostile, enabled: true, sourceIds: ["src_1"] }],
        form: { ...form, destinationIds: ["dst_1"], eventTypes: ["page"], eventNames: `Signed Up\n${hostile}`, ratePerSecond: "50" },
        error: hostile,
      }),
    );
    expect(html).not.toContain("<script");
    expect(html).toContain('value="dst_1" checked=""');
    expect(html).toContain('value="page" checked=""');
    expect(html).toContain('value="2026-05-01T00:00:00"');
    expect(html).toContain(`<textarea name="eventNames" rows="3" placeholder="Order Completed\nSigned Up">Signed Up\n&lt;script&gt;`);
    expect(html).toContain('name="ratePerSecond" type="number"');
    expect(html).toContain('value="50"');
    expect(html).toContain('<input type="hidden" name="csrf" value="tok"/>');
  });

  it("a running replay refreshes and can be cancelled; an ended one does neither", async () => {
    const running = await render(ReplayPage({ subject: "admin", csrfToken: "tok", replay: progress(), destinationNames: { dst_1: hostile } }));
    expect(running).toContain('<meta http-equiv="refresh" content="2"/>');
    expect(running).toContain('action="/console/replays/rpl_1/cancel"');
    expect(running).toContain("5 of 10 done");
    expect(running).not.toContain("<script");
    const ended = await render(
      ReplayPage({ subject: "admin", csrfToken: "tok", replay: progress({ status: "finished", phase: "finished" }), destinationNames: {} }),
    );
    expect(ended).not.toContain("http-equiv");
    expect(ended).not.toContain("Cancel replay");
    const listing = await render(ReplayPage({ subject: "admin", csrfToken: "tok", replay: progress({ destinations: [] }), destinationNames: {} }));
    expect(listing).toContain("No destination has started yet");
  });

  it("names a cancelled replay, and the destinations it stopped, cancelled; a real failure stays failed", async () => {
    const stopped = progress({
      status: "failed",
      phase: "failed",
      error: "cancelled by an admin",
      destinations: [
        { destinationId: "dst_1", status: "failed", total: 10, sent: 4, discarded: 0, failed: 0 },
        { destinationId: "dst_2", status: "failed", total: 10, sent: 0, discarded: 0, failed: 10, error: "refused: 401" },
      ],
    });
    const cancelled = await render(ReplayPage({ subject: "admin", csrfToken: "tok", replay: stopped, destinationNames: {} }));
    expect(cancelled).toContain('<span class="pill pill-off">cancelled</span>');
    expect(cancelled).toContain("Cancelled by an admin: what was sent stays sent, nothing more goes out.");
    expect(cancelled).not.toContain('role="alert"');
    expect(cancelled.match(/pill-off">cancelled/g)).toHaveLength(2);
    expect(cancelled.match(/pill-bad">failed/g)).toHaveLength(1);

    const failed = await render(
      ReplayPage({
        subject: "admin",
        csrfToken: "tok",
        replay: progress({ status: "failed", phase: "failed", error: "the archive could not be read" }),
        destinationNames: {},
      }),
    );
    expect(failed).not.toContain("cancelled");
    expect(failed).toContain('<p class="error" role="alert">the archive could not be read</p>');
  });

  it("shows instants short", () => {
    expect(shortInstant("2026-05-01T10:00:00.000Z")).toBe("2026-05-01 10:00");
    expect(shortInstant("2026-05-01T10:00:30.000Z")).toBe("2026-05-01 10:00:30");
  });
});
