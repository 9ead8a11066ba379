import { describe, expect, it } from "vitest";
import { IDENTITY_SCHEMA, isSourceSlug, slugFromName } from "./source-slug";

describe("slugFromName", () => {
  const none = () => false;

  it("snake_cases the source's name as Segment names its schemas", () => {
    expect(slugFromName("Web Shop", none)).toBe("web_shop");
    expect(slugFromName("iOS App (prod)", none)).toBe("i_os_app_prod");
    expect(slugFromName("javascript_prod", none)).toBe("javascript_prod");
  });

  it("makes a name without letters or digits, or starting with a digit, a valid schema name", () => {
    expect(slugFromName("🚀 — !", none)).toBe("source");
    // go-snakecase gives a leading run of digits' last digit to the next word, as for columns.
    expect(slugFromName("2024 site", none)).toBe("_202_4_site");
    expect(slugFromName("x".repeat(300), none)).toHaveLength(56);
  });

  it("adds _2, _3… while a slug is taken, and never takes the identity tables' schema", () => {
    const taken = new Set(["web_shop", "web_shop_2"]);
    expect(slugFromName("Web Shop", (slug) => taken.has(slug))).toBe("web_shop_3");
    expect(slugFromName("Profiles", none)).toBe(`${IDENTITY_SCHEMA}_2`);
  });

  it("only answers slugs the API would take", () => {
    for (const name of ["Web Shop", "", "Ünïcödé", "a-b-c", "__x__", "9", "profiles", "SELECT"])
      expect(isSourceSlug(slugFromName(name, none)), name).toBe(true);
    for (const slug of ["", "Web", "a-b", "a/b", "9a", "profiles", "x".repeat(64)]) expect(isSourceSlug(slug), slug).toBe(false);
  });
});
