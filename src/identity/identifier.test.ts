import { describe, expect, it } from "vitest";
import { identifierKey, isValidIdentifierType, parseIdentifierKey } from "./identifier";

describe("identifierKey / parseIdentifierKey", () => {
  it("splits at the first colon, as the Profile API's `type:value` path does", () => {
    expect(identifierKey({ type: "user_id", value: "a:b" })).toBe("user_id:a:b");
    expect(parseIdentifierKey("user_id:a:b")).toEqual({ type: "user_id", value: "a:b" });
    expect(parseIdentifierKey("email:jane@example.com")).toEqual({ type: "email", value: "jane@example.com" });
  });

  it("refuses keys without a type or a value", () => {
    expect(parseIdentifierKey(":abc")).toBeUndefined();
    expect(parseIdentifierKey("user_id:")).toBeUndefined();
    expect(parseIdentifierKey("user_id")).toBeUndefined();
  });
});

describe("isValidIdentifierType", () => {
  it("accepts Segment's lower-case types and refuses colons, capitals and spaces", () => {
    for (const type of ["user_id", "ios.idfa", "android.push_token", "shopify_id", "phone"]) {
      expect(isValidIdentifierType(type)).toBe(true);
    }
    for (const type of ["", "User_Id", "a:b", "has space", "x".repeat(101)]) {
      expect(isValidIdentifierType(type)).toBe(false);
    }
  });
});
