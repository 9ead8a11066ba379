import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { createSource, externalIds, segmentIdOf, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

async function putRules(rules: object): Promise<void> {
  const response = await app.request("/api/v1/identity/config", { method: "PUT", headers: ADMIN, body: JSON.stringify(rules) }, env);
  if (response.status !== 200) throw new Error(`saving identity rules answered ${response.status}: ${await response.text()}`);
}

/**
 * Rules a workspace configures, end to end through the Tracking API, the IDENTITY consumer and
 * the Profile API. Only a custom type (`loyalty_card`) gets rules, so other test files, which
 * rely on the defaults, resolve as before.
 */
describe("custom identity rules", () => {
  let saved: object;
  beforeAll(async () => {
    const current = await app.request("/api/v1/identity/config", { headers: ADMIN }, env);
    saved = (await current.json<{ config: object }>()).config;
    const defaults = saved as { blockedValues: object[]; limits: object; customIdentifiers: object[] };
    await putRules({
      ...defaults,
      customIdentifiers: [...defaults.customIdentifiers, { type: "loyalty_card", key: "loyalty_card" }],
      limits: { ...defaults.limits, loyalty_card: { max: 1, window: "ever" } },
      blockedValues: [
        ...defaults.blockedValues,
        { match: "exact", value: "CARD-VOID", types: ["loyalty_card"] },
        // Nested quantifiers: exponential backtracking in JavaScript, linear in RE2, so now allowed.
        { match: "pattern", value: "^CARD-(TEST+)+$", types: ["loyalty_card"] },
      ],
    });
  });
  afterAll(() => putRules(saved));

  it("reads a configured trait or property key as an identifier, with its own limit and blocked values", async () => {
    const source = await createSource();
    const [userId, a2, a3, a4] = [unique("user"), unique("a2"), unique("a3"), unique("a4")];
    const [card, secondCard] = [unique("CARD"), unique("CARD")];
    const [identified, linked, overLimit, voided, patterned] = [unique("m"), unique("m"), unique("m"), unique("m"), unique("m")];

    // The card from an identify's traits, then the same card (camelCase) on an anonymous track.
    await sendBatch(source.writeKey, [{ type: "identify", userId, traits: { loyalty_card: card }, messageId: identified }]);
    await waitForEvent(`user_id:${userId}`, identified);
    await sendBatch(source.writeKey, [{ type: "track", event: "Scanned", anonymousId: a2, properties: { loyaltyCard: card }, messageId: linked }]);
    await waitForEvent(`anonymous_id:${a2}`, linked);
    expect(await segmentIdOf(`anonymous_id:${a2}`)).toBe(await segmentIdOf(`user_id:${userId}`));
    expect(await segmentIdOf(`loyalty_card:${card}`)).toBe(await segmentIdOf(`user_id:${userId}`));

    // A second card passes the limit of 1: the event still lands, the card does not.
    await sendBatch(source.writeKey, [{ type: "track", event: "Scanned", userId, properties: { loyalty_card: secondCard }, messageId: overLimit }]);
    await waitForEvent(`user_id:${userId}`, overLimit);
    expect((await externalIds(`user_id:${userId}`)).loyalty_card).toEqual([card]);
    expect(await segmentIdOf(`loyalty_card:${secondCard}`)).toBeUndefined();

    // Values blocked for this type only, exactly and by pattern: the visitors get profiles, without the cards.
    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a3, traits: { loyalty_card: "CARD-VOID" }, messageId: voided },
      { type: "identify", anonymousId: a4, traits: { loyalty_card: "CARD-TESTTTEST" }, messageId: patterned },
    ]);
    await waitForEvent(`anonymous_id:${a3}`, voided);
    await waitForEvent(`anonymous_id:${a4}`, patterned);
    expect(await externalIds(`anonymous_id:${a3}`)).toEqual({ anonymous_id: [a3] });
    expect(await externalIds(`anonymous_id:${a4}`)).toEqual({ anonymous_id: [a4] });

    const violations = await env.DB.prepare("SELECT message_id, reason, type FROM identity_violations WHERE message_id IN (?, ?, ?)")
      .bind(overLimit, voided, patterned)
      .all();
    expect(violations.results).toHaveLength(3);
    expect(violations.results).toEqual(
      expect.arrayContaining([
        { message_id: voided, reason: "ID value blocked", type: "loyalty_card" },
        { message_id: patterned, reason: "ID value blocked", type: "loyalty_card" },
        { message_id: overLimit, reason: "Identifier value limit exceeded", type: "loyalty_card" },
      ]),
    );
  });
});
