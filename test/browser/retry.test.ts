import type { BrowserContext, Page, Request, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { countByMessageId, drain, readArchive, uniqueId, useBrowserSuite, waitForEvents, withProbe, type ArchivedEvent } from "./support/harness";
import type { PageLog } from "./support/page-log";
import { snippetPage } from "./support/pages";
import { fireSdk, waitForSdk } from "./support/sdk";
import { waitUntil } from "../e2e/support/sluice";

/** One POST to /v1/batch as the route saw it. */
interface Attempt {
  /** When the route received it (ms, Node's clock). */
  at: number;
  /** When the route's answer went back (ms), for the answers the route made up. */
  answeredAt?: number;
  /** What it answered: a status it made up, or "forwarded" to Sluice. */
  outcome: number | "forwarded";
  messageIds: string[];
}

/** What the route answers to the n-th batch (0-based): a made-up status, or nothing (forward). */
type Plan = (n: number) => { status: number; retryAfter?: string } | undefined;

/**
 * Answers POSTs to /v1/batch per `plan` and records every attempt. A made-up answer carries the
 * CORS headers Sluice's own answers carry (the page's origin, with credentials), plus
 * `Access-Control-Expose-Headers: Retry-After`: without it a cross-origin page cannot read
 * Retry-After at all (see the report on Sluice's CORS).
 */
async function routeBatches(context: BrowserContext, plan: Plan): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  await context.route("**/v1/batch", async (route: Route, request: Request) => {
    const at = Date.now();
    const body = request.postDataJSON() as { batch?: { messageId?: string }[] } | null;
    const attempt: Attempt = { at, outcome: "forwarded", messageIds: (body?.batch ?? []).map((event) => String(event.messageId)) };
    attempts.push(attempt);
    const answer = plan(attempts.length - 1);
    if (!answer) {
      await route.continue();
      return;
    }
    attempt.outcome = answer.status;
    const origin = (await request.headerValue("origin")) ?? "*";
    await route.fulfill({
      status: answer.status,
      contentType: "application/json",
      headers: {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "Retry-After",
        Vary: "Origin",
        ...(answer.retryAfter !== undefined && { "Retry-After": answer.retryAfter }),
      },
      body: JSON.stringify({ success: false, error: `made up by the test: ${answer.status}` }),
    });
    attempt.answeredAt = Date.now();
  });
  return attempts;
}

const describeAttempts = (attempts: Attempt[], start: number) =>
  attempts
    .map((attempt, n) => {
      const answered = attempt.answeredAt === undefined ? "" : ` (answered at +${attempt.answeredAt - start} ms)`;
      return `  #${n} at +${attempt.at - start} ms: ${attempt.outcome}${answered}, ${attempt.messageIds.length} events ${attempt.messageIds.join(",")}`;
    })
    .join("\n");

/** The SDK's persisted send queue for this write key (messageIds still waiting). */
async function queuedMessageIds(page: Page, writeKey: string): Promise<string[]> {
  return page.evaluate((key) => {
    const queue = JSON.parse(localStorage.getItem(key) ?? "[]") as { messageId: string }[];
    return queue.map((event) => event.messageId);
  }, `sluice_queue:${writeKey}`);
}

/**
 * Checks that no batch after the first carried any of `messageIds`. Call it once a later event
 * sent through the SDK has arrived: every flush sends the whole persisted queue, so had the
 * refused events been kept for a retry, the later event's batch would have carried them again.
 */
function expectNoResend(attempts: Attempt[], messageIds: string[], log: PageLog, start: number): void {
  const carrying = attempts.filter((attempt) => attempt.messageIds.some((id) => messageIds.includes(id)));
  if (carrying.length > 1) throw new Error(`the refused batch was sent again:\n${describeAttempts(attempts, start)}\n${log.describe()}`);
}

/**
 * Answers the Tracking API gives that mean "later" (5xx, with or without Retry-After) are
 * retried after the delay they ask for or a growing backoff, until the batch gets through, and
 * each event then arrives once; an answer that means "never" (400) is not retried.
 */
describe("delivery retries", () => {
  const suite = useBrowserSuite("retry");

  /**
   * A snippet page whose body tracks `count` events before the SDK has loaded, so they are
   * queued with the snippet's page call at load and the first batch carries them all.
   */
  function pageWithBufferedTracks(name: string, probe: string, count: number): string {
    const tracks = Array.from({ length: count }, (_, n) => `analytics.track("Retried", { probe: "${probe}", n: ${n + 1} });`).join("\n");
    const path = `/${uniqueId(name)}/page`;
    return suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: `Retry ${name}`, body: `<script>${tracks}</script>` }));
  }

  it("503 with Retry-After: 1, then 500 without it, then 503 with Retry-After: 5: each resend waits as asked, and every event arrives once", async () => {
    const { context, page, log } = await suite.newTab();
    const probe = uniqueId("retry");
    const url = pageWithBufferedTracks("retry", probe, 3);
    const answers = [{ status: 503, retryAfter: "1" }, { status: 500 }, { status: 503, retryAfter: "5" }];
    const attempts = await routeBatches(context, (n) => answers[n]);
    const start = Date.now();

    await page.goto(url);
    await waitForSdk(page, log);
    const tracks = await waitForEvents(suite.source.id, withProbe(probe), {
      count: 3,
      timeoutMs: 20_000,
      log,
      what: "the 3 tracks of the refused batch",
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- batches the route saw ---\n${describeAttempts(attempts, start)}`);
    });
    await drain(page, suite.source.id, log);

    const trace = `batches the route saw:\n${describeAttempts(attempts, start)}`;
    const [first, second, third, fourth] = attempts;
    expect(attempts.length, trace).toBeGreaterThanOrEqual(4);
    // The refused batch is sent again as a whole, each time.
    const refused = first!.messageIds;
    expect(refused.length, `the first batch: the page call and the 3 buffered tracks\n${trace}`).toBe(4);
    for (const attempt of [second!, third!, fourth!]) expect(attempt.messageIds, trace).toEqual(expect.arrayContaining(refused));
    expect(fourth!.outcome, trace).toBe("forwarded");

    // Only lower bounds: each is a wait the SDK must respect (a server's Retry-After, or its own
    // backoff), so they hold however slow the machine is. How soon after it a resend comes is
    // the machine's speed, and is not asserted.
    // 503 with Retry-After: 1: not before a second (the SDK's own first backoff could be 0.5 s).
    const afterFirst = second!.at - first!.answeredAt!;
    expect(afterFirst, `ms between the first 503 (Retry-After: 1) and the resend\n${trace}`).toBeGreaterThanOrEqual(950);
    // 500 without Retry-After: the backoff, second step (1-2 s).
    const afterSecond = third!.at - second!.answeredAt!;
    expect(afterSecond, `ms between the 500 (no Retry-After) and the resend\n${trace}`).toBeGreaterThanOrEqual(950);
    // 503 with Retry-After: 5: longer than the third backoff step can be (2-4 s), so only
    // honouring Retry-After over the backoff explains a resend this late.
    const afterThird = fourth!.at - third!.answeredAt!;
    expect(afterThird, `Retry-After: 5 wins over the backoff (third step: 2-4 s)\n${trace}`).toBeGreaterThanOrEqual(4_950);

    // Exactly once: forwarded once by the route, archived once.
    const forwarded = attempts.filter((attempt) => attempt.outcome === "forwarded").flatMap((attempt) => attempt.messageIds);
    expect(
      refused.map((id) => forwarded.filter((sent) => sent === id).length),
      `each event forwarded to Sluice once\n${trace}`,
    ).toEqual([1, 1, 1, 1]);
    const all = await readArchive({ sourceId: suite.source.id });
    const counts = countByMessageId(all);
    expect(
      refused.map((id) => counts.get(id)),
      "each event of the refused batch archived once",
    ).toEqual([1, 1, 1, 1]);
    expect(tracks.map((event: ArchivedEvent) => event.messageId).every((id) => refused.includes(id))).toBe(true);
    expect(await queuedMessageIds(page, suite.source.writeKey), "the SDK's queue once delivered").toEqual([]);
  });

  it("a 400 answer is final: the batch is not sent again, and later events still go through", async () => {
    const { context, page, log } = await suite.newTab();
    const probe = uniqueId("refused");
    const url = pageWithBufferedTracks("refused", probe, 2);
    const attempts = await routeBatches(context, (n) => (n === 0 ? { status: 400 } : undefined));
    const start = Date.now();

    await page.goto(url);
    await waitForSdk(page, log);
    await waitUntil(
      "the first batch at the route",
      () => attempts.length,
      (n) => n > 0,
    );
    const refused = attempts[0]!.messageIds;
    expect(refused.length, `the first batch: the page call and the 2 buffered tracks\n${describeAttempts(attempts, start)}`).toBe(3);

    // Sentinel: a later track, sent once the 400 came back, arrives (see expectNoResend).
    await waitUntil(
      "the answer to the first batch",
      () => attempts[0]!.answeredAt,
      (at) => at !== undefined,
    );
    const after = uniqueId("after-400");
    await fireSdk(page, "track", ["After Refusal", { probe: after }]);
    await waitForEvents(suite.source.id, withProbe(after), { log, what: "a track sent after the 400" });
    expectNoResend(attempts, refused, log, start);
    await drain(page, suite.source.id, log);

    const trace = describeAttempts(attempts, start);
    expect(
      attempts.filter((attempt) => attempt.messageIds.some((id) => refused.includes(id))),
      `batches carrying the refused events\n${trace}`,
    ).toHaveLength(1);
    expect((await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe)), "the refused tracks").toEqual([]);
    const queued = await queuedMessageIds(page, suite.source.writeKey);
    expect(
      queued.filter((id) => refused.includes(id)),
      "the refused events left the SDK's queue",
    ).toEqual([]);
  });

  it("a 400 from Sluice itself (a track without an event name) is not retried", async () => {
    const { context, page, log } = await suite.newTab();
    const path = `/${uniqueId("invalid")}/page`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Retry invalid" }));
    const attempts = await routeBatches(context, () => undefined);
    const statuses: number[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/v1/batch")) statuses.push(response.status());
    });
    const start = Date.now();

    await page.goto(url);
    await waitForSdk(page, log);
    // Let the snippet's page call go alone first, so the invalid track is alone in its batch.
    await waitUntil(
      "Sluice's answer to the page call's batch",
      () => statuses.length,
      (n) => n > 0,
    );
    await fireSdk(page, "track", []);
    await waitUntil(
      "Sluice's answer to the invalid track's batch",
      () => statuses.length,
      (n) => n > 1,
    );
    expect(statuses[1], `Sluice's answer to a batch whose only event has no name\n${describeAttempts(attempts, start)}`).toBe(400);
    const refused = attempts[1]!.messageIds;
    expect(refused).toHaveLength(1);

    // Sentinel: a valid track sent after the 400 arrives (see expectNoResend).
    const after = uniqueId("after-invalid");
    await fireSdk(page, "track", ["After Invalid", { probe: after }]);
    await waitForEvents(suite.source.id, withProbe(after), { log, what: "a track sent after the 400" });
    expectNoResend(attempts, refused, log, start);
    expect(await queuedMessageIds(page, suite.source.writeKey), "the refused event left the SDK's queue").toEqual([]);
  });
});
