import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { app } from "../../../workers/app";

/** Driving the console as a browser would: a session cookie, pages as HTML, forms as POSTs. */

const HOST = "https://data.example.com";
const SAME_ORIGIN = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST };

export interface ConsolePage {
  status: number;
  html: string;
  location: string | null;
}

export interface ConsoleClient {
  get(path: string): Promise<ConsolePage>;
  post(path: string, form: Record<string, string>): Promise<ConsolePage>;
  /** The CSRF token the pages of this session carry. */
  csrf: string;
}

async function pageOf(response: Response): Promise<ConsolePage> {
  return { status: response.status, html: await response.text(), location: response.headers.get("Location") };
}

export const getSignedOut = async (path: string) => pageOf(await app.request(`${HOST}${path}`, {}, env));

/** Signs in with the test admin token from an address of its own (the sign-in throttle counts per address). */
export async function signInToConsole(): Promise<ConsoleClient> {
  const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  const response = await app.request(
    `${HOST}/console/sign-in`,
    { method: "POST", headers: { ...SAME_ORIGIN, "CF-Connecting-IP": ip }, body: new URLSearchParams({ token: "test_admin_token" }) },
    env,
  );
  expect(response.status).toBe(303);
  const cookie = /sluice_session=([^;]+)/.exec(response.headers.getSetCookie().join("\n"))![1]!;
  const headers = { Cookie: `sluice_session=${cookie}` };
  const get = async (path: string) => pageOf(await app.request(`${HOST}${path}`, { headers }, env));
  const home = await get("/console");
  const csrf = /name="csrf" value="([^"]+)"/.exec(home.html)![1]!;
  return {
    get,
    csrf,
    post: async (path, form) =>
      pageOf(await app.request(`${HOST}${path}`, { method: "POST", headers: { ...SAME_ORIGIN, ...headers }, body: new URLSearchParams(form) }, env)),
  };
}

/** Text as the page shows it, for matching what JSX escaped. */
export function unescapeHtml(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
