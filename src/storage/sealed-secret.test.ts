import { describe, expect, it } from "vitest";
import { seal, sealingKey, unseal } from "./sealed-secret";

describe("sealed secrets", () => {
  it("open with the same key and purpose only, and never show the plaintext", async () => {
    const key = await sealingKey("a long random secret");
    const sealed = await seal(key, "destination d1 oauth", '{"access_token":"tok-123"}');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("tok-123");
    expect(await seal(key, "destination d1 oauth", '{"access_token":"tok-123"}')).not.toBe(sealed);
    expect(await unseal(key, "destination d1 oauth", sealed)).toBe('{"access_token":"tok-123"}');
    await expect(unseal(key, "destination d2 oauth", sealed)).rejects.toThrow(/does not open/);
    await expect(unseal(await sealingKey("another secret"), "destination d1 oauth", sealed)).rejects.toThrow(/does not open/);
    await expect(unseal(key, "destination d1 oauth", `${sealed.slice(0, -2)}AA`)).rejects.toThrow(/does not open/);
    await expect(unseal(key, "destination d1 oauth", "plain text")).rejects.toThrow(/not a sealed secret/);
  });
});
