import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidWarehouseName, MAX_NAME_LENGTH, REDSHIFT_RESERVED_WORDS, snakeCase, toColumnName, toWarehouseName } from "./naming";

describe("snakeCase", () => {
  // go-snakecase's own test vectors (segmentio/go-snakecase, snake_test.go): the behaviour Segment documents.
  it.each([
    ["sample text", "sample_text"],
    ["sample-text", "sample_text"],
    ["sample_text", "sample_text"],
    ["sample___text", "sample_text"],
    ["sampleText", "sample_text"],
    ["inviteYourCustomersAddInvites", "invite_your_customers_add_invites"],
    ["sample 2 Text", "sample_2_text"],
    ["   sample   2    Text   ", "sample_2_text"],
    ["   $#$sample   2    Text   ", "sample_2_text"],
    ["SAMPLE 2 TEXT", "sample_2_text"],
    ["___$$Base64Encode", "base64_encode"],
    ["FOO:BAR$BAZ", "foo_bar_baz"],
    ["FOO#BAR#BAZ", "foo_bar_baz"],
    ["something.com", "something_com"],
    ["$something%", "something"],
    ["•¶§ƒ˚foo˙∆˚¬", "foo"],
  ])("%j is %j", (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });

  it("names Segment's examples as the docs do", () => {
    expect(snakeCase("Order Completed")).toBe("order_completed");
    expect(snakeCase("accountType")).toBe("account_type");
    expect(snakeCase("Signed Up")).toBe("signed_up");
  });

  it("keeps go-snakecase's quirks: a leading underscore survives, upper-case runs stay one word, a clean start gives its last digit away", () => {
    expect(snakeCase("_id")).toBe("_id");
    expect(snakeCase("HTTPServer")).toBe("httpserver");
    expect(snakeCase("abc1Def")).toBe("abc_1def");
    expect(snakeCase("名前")).toBe("");
  });

  it("only ever yields lower-case ASCII letters, digits and underscores", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" })), (input) => {
        expect(snakeCase(input)).toMatch(/^[a-z0-9_]*$/);
      }),
    );
  });
});

describe("toWarehouseName", () => {
  it("prefixes Redshift reserved words and leading digits with _, as Segment's Redshift FAQ does for `_open`", () => {
    expect(toWarehouseName("open")).toBe("_open");
    expect(toWarehouseName("User")).toBe("_user");
    expect(toWarehouseName("Group")).toBe("_group");
    expect(toWarehouseName("3D Model Viewed")).toBe("_3d_model_viewed");
    expect(toWarehouseName("opened")).toBe("opened");
  });

  it("cuts long names at the limit", () => {
    const name = toWarehouseName("a".repeat(500));
    expect(name).toBe("a".repeat(MAX_NAME_LENGTH));
    expect(toWarehouseName(`9${"b".repeat(500)}`)).toHaveLength(MAX_NAME_LENGTH);
  });

  it("is empty when nothing of the name survives", () => {
    expect(toWarehouseName("")).toBe("");
    expect(toWarehouseName("$$$")).toBe("");
    expect(toWarehouseName("😀")).toBe("");
  });

  it("always gives a valid lower-case identifier within the limit, or nothing", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 50 })), (input) => {
        const name = toWarehouseName(input);
        expect(name === "" || isValidWarehouseName(name)).toBe(true);
        expect(REDSHIFT_RESERVED_WORDS.has(name)).toBe(false);
      }),
    );
  });
});

describe("toColumnName", () => {
  it("joins nested paths with _ (docs: context.app.version is context_app_version)", () => {
    expect(toColumnName(["context", "app", "version"])).toBe("context_app_version");
    expect(toColumnName(["address", "street"])).toBe("address_street");
    expect(toColumnName(["product_id", "sku"])).toBe("product_id_sku");
    expect(toColumnName(["context", "userAgentData", "mobile"])).toBe("context_user_agent_data_mobile");
  });

  it("skips parts of which nothing survives, and is empty when none does", () => {
    expect(toColumnName(["properties", "名前", "size"])).toBe("properties_size");
    expect(toColumnName(["!!", ""])).toBe("");
  });

  it("gives valid identifiers for any path", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 8 }), (path) => {
        const name = toColumnName(path);
        expect(name === "" || isValidWarehouseName(name)).toBe(true);
      }),
    );
  });
});
