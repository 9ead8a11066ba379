import { env } from "cloudflare:workers";
import { app } from "../../../workers/app";

/** Driving the console as a browser would: a session cookie, pages as HTML, forms as POSTs. */

const HOST = "https://data.example.com";
const SAME_ORIGIN = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST };
let ipCounter = 0;

export interface ConsolePage {
  status: number;
  html: string;
  location: string | null;
}

/** A signed-in session read as pages: `post` sends the form as given (CSRF field included or not). */
export interface ConsoleClient {
  get(path: string): Promise<ConsolePage>;
  post(path: string, form: Record<string, string>): Promise<ConsolePage>;
  /** The CSRF token the pages of this session carry. */
  csrf: string;
}

/** A signed-in session read as responses: `post` adds the session's CSRF token unless `csrf: false`. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean }): Promise<Response>;
}

async function pageOf(response: Response): Promise<ConsolePage> {
  return { status: response.status, html: await response.text(), location: response.headers.get("Location") };
}

/** Signs in with the test admin token from an address of its own (the sign-in throttle counts per address). */
export async function openConsoleSession(): Promise<ConsoleSession> {
  const response = await app.request(
    `${HOST}/console/sign-in`,
    {
      method: "POST",
      headers: { ...SAME_ORIGIN, "CF-Connecting-IP": `203.0.113.${(++ipCounter % 250) + 1}` },
      body: new URLSearchParams({ token: "test_admin_token" }),
    },
    env,
  );
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith("sluice_session="));
  if (response.status !== 303 || !header) throw new Error(`sign-in answered ${response.status}`);
  const cookie = header.split(";")[0]!.slice("sluice_session=".length);
  const get = async (path: string) => app.request(`${HOST}${path}`, { headers: { Cookie: `sluice_session=${cookie}` } }, env);
  const home = await (await get("/console")).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error("the signed-in home page has no CSRF field");
  return {
    cookie,
    csrf,
    get,
    async post(path, fields, options = {}) {
      const body = new URLSearchParams();
      if (options.csrf !== false) body.append("csrf", csrf);
      for (const [name, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
      return app.request(`${HOST}${path}`, { method: "POST", headers: { ...SAME_ORIGIN, Cookie: `sluice_session=${cookie}` }, body }, env);
    },
  };
}

/** The same session, read as pages. */
export async function signInToConsole(): Promise<ConsoleClient> {
  const session = await openConsoleSession();
  return {
    csrf: session.csrf,
    get: async (path) => pageOf(await session.get(path)),
    post: async (path, form) => pageOf(await session.post(path, form, { csrf: false })),
  };
}

/** A signed-out GET, as a page. */
export const getSignedOut = async (path: string) => pageOf(await requestSignedOut(path));

/** A signed-out GET, as a response. */
export const requestSignedOut = (path: string) => app.request(`${HOST}${path}`, {}, env);

/** Text as the page shows it, for matching what JSX escaped. */
export function unescapeHtml(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
