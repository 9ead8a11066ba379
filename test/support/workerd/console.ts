import { env } from "cloudflare:workers";
import { app } from "../../../workers/app";

const HOST = "https://data.example.com";
const SAME_ORIGIN = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST };
let ipCounter = 0;

/** A signed-in console session for a test: its cookie, the CSRF token of its forms, and GET/POST through the Worker. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
  get(path: string): Response | Promise<Response>;
  /** A form POST; the session's CSRF token is added unless `csrf: false`. */
  post(path: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean }): Response | Promise<Response>;
}

export async function signInToConsole(): Promise<ConsoleSession> {
  const response = await app.request(
    `${HOST}/console/sign-in`,
    { method: "POST", headers: { ...SAME_ORIGIN, "CF-Connecting-IP": `203.0.113.${++ipCounter}` }, body: new URLSearchParams({ token: "test_admin_token" }) },
    env,
  );
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith("sluice_session="));
  if (response.status !== 303 || !header) throw new Error(`sign-in answered ${response.status}`);
  const cookie = header.split(";")[0]!.slice("sluice_session=".length);
  const get = (path: string) => app.request(`${HOST}${path}`, { headers: { Cookie: `sluice_session=${cookie}` } }, env);
  const home = await (await get("/console")).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error("the signed-in home page has no CSRF field");
  return {
    cookie,
    csrf,
    get,
    post(path, fields, options = {}) {
      const body = new URLSearchParams();
      if (options.csrf !== false) body.append("csrf", csrf);
      for (const [name, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
      return app.request(`${HOST}${path}`, { method: "POST", headers: { ...SAME_ORIGIN, Cookie: `sluice_session=${cookie}` }, body }, env);
    },
  };
}

/** A signed-out GET. */
export const getSignedOut = (path: string) => app.request(`${HOST}${path}`, {}, env);
