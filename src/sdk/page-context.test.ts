import { describe, expect, it } from "vitest";
import { buildPageContext, isBufferedPage, pageFactsFromBuffered, parseCampaign } from "./page-context";

describe("buildPageContext", () => {
  it("builds path, url, search, title and referrer, without the hash", () => {
    expect(buildPageContext({ url: "https://shop.test/p/1?x=1#top", title: "P1", referrer: "https://google.com/" })).toEqual({
      path: "/p/1",
      referrer: "https://google.com/",
      search: "?x=1",
      title: "P1",
      url: "https://shop.test/p/1?x=1",
    });
  });

  it("honours a canonical URL, keeping the query string when it has none", () => {
    const facts = { url: "https://shop.test/p/1?utm_source=x", title: "", referrer: "" };
    expect(buildPageContext({ ...facts, canonical: "https://shop.test/products/one" })).toMatchObject({
      path: "/products/one",
      url: "https://shop.test/products/one?utm_source=x",
    });
    expect(buildPageContext({ ...facts, canonical: "https://shop.test/products/one?v=2" })).toMatchObject({
      url: "https://shop.test/products/one?v=2",
    });
  });

  it("reads the snippet's buffered page context", () => {
    const buffered = { __t: "bpc" as const, c: undefined, p: "/a", u: "https://s.test/a?b=1", s: "?b=1", t: "A", r: "" };
    expect(isBufferedPage(buffered)).toBe(true);
    expect(isBufferedPage({ a: 1 })).toBe(false);
    expect(buildPageContext(pageFactsFromBuffered(buffered))).toMatchObject({ path: "/a", title: "A", search: "?b=1" });
  });
});

describe("parseCampaign", () => {
  it("maps utm parameters as analytics.js does", () => {
    expect(parseCampaign("?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&x=1")).toEqual({
      source: "news",
      medium: "email",
      name: "spring",
      term: "shoes",
      content: "hero",
    });
    expect(parseCampaign("?utm_custom=a%20b")).toEqual({ custom: "a b" });
    expect(parseCampaign("?x=1")).toBeUndefined();
  });
});
