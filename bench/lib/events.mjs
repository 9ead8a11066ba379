// Realistic Segment payloads, shaped like what analytics.js (analytics-next) sends from a
// browser: a track/page/identify mix, each with properties or traits and a full `context`.
// Deterministic per index, so every run benchmarks the same data.

const PAGES = [
  { path: "/", title: "Acme: shoes for every trail", name: "Home" },
  { path: "/products/trail-runner-3", title: "Trail Runner 3 | Acme", name: "Product" },
  { path: "/cart", title: "Your cart | Acme", name: "Cart" },
  { path: "/checkout", title: "Checkout | Acme", name: "Checkout" },
];

const USER_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/** The `context` analytics-next attaches to every call from a browser. */
function browserContext(index, page) {
  return {
    library: { name: "analytics.js", version: "npm:next-1.70.0" },
    page: {
      path: page.path,
      referrer: "https://www.google.com/",
      search: "?utm_source=newsletter&utm_medium=email",
      title: page.title,
      url: `https://www.acme.example${page.path}?utm_source=newsletter&utm_medium=email`,
    },
    userAgent: USER_AGENT,
    userAgentData: {
      brands: [
        { brand: "Chromium", version: "124" },
        { brand: "Google Chrome", version: "124" },
      ],
      mobile: false,
      platform: "macOS",
    },
    locale: "en-US",
    timezone: "Europe/Berlin",
    campaign: { source: "newsletter", medium: "email", name: "spring-sale" },
    screen: { width: 1512, height: 982, density: 2 },
    instanceId: `3f1c2a9e-${String(index % 7).padStart(4, "0")}-4d1b-9a77-5b2f0c1e8d42`,
  };
}

function trackFields(index) {
  return {
    type: "track",
    event: index % 2 === 0 ? "Product Viewed" : "Product Added",
    properties: {
      product_id: `sku-${1000 + (index % 50)}`,
      name: "Trail Runner 3",
      category: "Shoes/Running",
      brand: "Acme",
      variant: index % 3 === 0 ? "blue" : "black",
      price: 129.99,
      quantity: 1 + (index % 3),
      currency: "EUR",
      position: index % 12,
      coupon: index % 5 === 0 ? "SPRING10" : null,
      image_url: "https://cdn.acme.example/img/trail-runner-3.jpg",
    },
  };
}

function pageFields(page) {
  return { type: "page", name: page.name, properties: { path: page.path, title: page.title, url: `https://www.acme.example${page.path}` } };
}

function identifyFields(index) {
  return {
    type: "identify",
    traits: {
      email: `user${index}@example.com`,
      firstName: "Ada",
      lastName: "Lovelace",
      plan: index % 4 === 0 ? "pro" : "free",
      createdAt: "2025-11-02T09:14:00.000Z",
      address: { city: "Berlin", country: "DE", postalCode: "10115" },
    },
  };
}

/** The fields every call from analytics-next carries, around the call's own fields. */
function browserCall(fields, index, messageId, now, ids = storefrontIds(index)) {
  const page = PAGES[index % PAGES.length];
  return {
    ...fields,
    messageId,
    anonymousId: ids.anonymousId,
    ...(ids.userId ? { userId: ids.userId } : {}),
    timestamp: new Date(now.getTime() - 250).toISOString(),
    sentAt: now.toISOString(),
    context: browserContext(index, page),
    integrations: {},
  };
}

/** The storefront mix's visitor ids: a third of its calls come from 500 signed-in users. */
function storefrontIds(index) {
  return { anonymousId: `6b1e4c0a-8f2d-4e55-9c3b-${String(index % 997).padStart(12, "0")}`, userId: index % 3 === 0 ? `user-${index % 500}` : undefined };
}

/**
 * One `kind` call ("page", "track" or "identify") of visitor `visitor` from their browser, with
 * their own anonymousId and, once they are known, userId. `index` varies the page and product.
 */
export function visitorCall(kind, index, visitor, { messageId, userId }, now = new Date()) {
  const fields = kind === "track" ? trackFields(index) : kind === "page" ? pageFields(PAGES[index % PAGES.length]) : identifyFields(visitor);
  const anonymousId = `0c7d9e2f-5a41-4b8e-8f3a-${String(visitor).padStart(12, "0")}`;
  return browserCall(fields, index, messageId, now, { anonymousId, userId });
}

/**
 * One event of a storefront's mix: 60 % track, 30 % page, 10 % identify.
 * `messageIdPrefix` makes ids unique per run and section.
 */
export function browserEvent(index, messageIdPrefix, now = new Date()) {
  const kind = index % 10;
  const fields = kind < 6 ? trackFields(index) : kind < 9 ? pageFields(PAGES[index % PAGES.length]) : identifyFields(index);
  return browserCall(fields, index, `${messageIdPrefix}-${index}`, now);
}

/** One track call, as sent alone to `/v1/track`. */
export function browserTrack(index, messageId, now = new Date()) {
  return browserCall(trackFields(index), index, messageId, now);
}

/** A `/v1/batch` body: `count` events, with the envelope fields analytics-next sets. */
export function browserBatch(count, messageIdPrefix, now = new Date()) {
  return {
    batch: Array.from({ length: count }, (_, index) => browserEvent(index, messageIdPrefix, now)),
    sentAt: now.toISOString(),
  };
}
