import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { credentialsMatch } from "../http/constant-time";
import { ACCESS_HEADER, accessConfigOf, remoteAccessKeys, verifyAccessAssertion, type AccessKeys } from "./access";
import { CSRF_FIELD, isCsrfTokenValid, isSameOriginPost } from "./csrf";
import { NotFoundPage, RefusedPage, SignInPage, TooManyAttemptsPage, UnavailablePage } from "./pages";
import { issueSession, newCsrfSecret, SESSION_TTL_SECONDS, verifySession, type Session } from "./session";
import { throttleKeyFor } from "./sign-in-throttle";
import { CONSOLE_CSS } from "./styles";
import { render, type ConsoleEnv } from "./context";
import { sections } from "./sections";

export const SESSION_COOKIE = "sluice_session";

/** Scripts and sockets only from the console itself, nothing from another origin, no framing; forms post only to the console itself. */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface ConsoleOptions {
  /** Cloudflare Access key sets by team domain; tests pass locally generated keys. */
  accessKeys?: AccessKeys;
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The console under `/console`: sign-in (admin token, or Cloudflare Access), sign-out, and the
 * signed-in pages. Every answer carries the strict CSP and is never cached; every POST must come
 * from the console's own origin, and every POST but sign-in must carry the session's CSRF token.
 */
export function consoleApp(options: ConsoleOptions = {}) {
  const accessKeys = options.accessKeys ?? remoteAccessKeys;

  const securityHeaders = createMiddleware<ConsoleEnv>(async (c, next) => {
    await next();
    c.res.headers.set("Content-Security-Policy", CONSOLE_CSP);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("Referrer-Policy", "same-origin");
    c.res.headers.set("Cache-Control", "no-store");
  });

  /** The session of the cookie, or one started from a valid Access assertion; null otherwise. */
  const resolveSession = createMiddleware<ConsoleEnv>(async (c, next) => {
    c.set("session", await sessionOf(c, accessKeys));
    await next();
  });

  /** Cross-site POSTs are refused before anything else looks at them. */
  const sameOriginPosts = createMiddleware<ConsoleEnv>(async (c, next) => {
    if (c.req.method === "POST" && !isSameOriginPost(c.req.url, c.req.raw.headers)) {
      return render(c, <RefusedPage message="This form was sent from another site. Open the console at its own address and submit it from there." />, 403);
    }
    await next();
  });

  return new Hono<ConsoleEnv>()
    .use("*", securityHeaders, sameOriginPosts, resolveSession)
    .get("/console.css", (c) => c.body(CONSOLE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" }))
    .get("/", async (c, next) => {
      const session = c.get("session");
      const adminToken = c.env.ADMIN_TOKEN;
      if (!adminToken) return render(c, <UnavailablePage />, 503);
      if (!session) return render(c, <SignInPage accessConfigured={accessConfigOf(c.env) !== null} />);
      await next(); // signed in: the Overview section (sections/overview.tsx)
    })
    .post("/sign-in", async (c) => {
      const adminToken = c.env.ADMIN_TOKEN;
      if (!adminToken) return render(c, <UnavailablePage />, 503);
      const throttle = c.env.SIGN_IN_THROTTLE.getByName(throttleKeyFor(c.req.header("cf-connecting-ip")));
      const verdict = await throttle.begin(Date.now());
      if (!verdict.allowed) {
        c.header("Retry-After", String(verdict.retryAfterSeconds));
        return render(c, <TooManyAttemptsPage retryAfterSeconds={verdict.retryAfterSeconds} />, 429);
      }
      const form = await c.req.parseBody();
      const presented = typeof form.token === "string" ? form.token : "";
      if (!presented || !(await credentialsMatch(presented, adminToken))) {
        const error = presented ? "That is not this deployment's admin token. Check it and try again." : "Enter the admin token to sign in.";
        return render(c, <SignInPage error={error} accessConfigured={accessConfigOf(c.env) !== null} />, 403);
      }
      await throttle.succeeded();
      await startSession(c, adminToken, "admin");
      return c.redirect("/console", 303);
    })
    .post("/sign-out", async (c) => {
      const session = c.get("session");
      const adminToken = c.env.ADMIN_TOKEN;
      const form = await c.req.parseBody();
      if (!session || !adminToken) return c.redirect("/console", 303); // nothing to end
      if (!(await isCsrfTokenValid(adminToken, session, typeof form[CSRF_FIELD] === "string" ? form[CSRF_FIELD] : undefined))) {
        return render(c, <RefusedPage message="This form has expired or did not come from this console. Reload the console and sign out again." />, 403);
      }
      deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: isHttps(c), httpOnly: true, sameSite: "Strict" });
      return c.redirect("/console", 303);
    })
    .route("/", sections)
    .get("/*", (c) => render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404));
}

async function sessionOf(c: Context<ConsoleEnv>, accessKeys: AccessKeys): Promise<Session | null> {
  const adminToken = c.env.ADMIN_TOKEN;
  if (!adminToken) return null; // the session key is derived from it
  const now = new Date();
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie ? await verifySession(adminToken, cookie, unixSeconds(now)) : null;
  if (session) return session;
  const access = accessConfigOf(c.env);
  const assertion = c.req.header(ACCESS_HEADER);
  if (!access || !assertion) return null;
  const person = await verifyAccessAssertion(assertion, access, accessKeys, now);
  return person ? startSession(c, adminToken, person.subject) : null;
}

/** Issues a session for `subject` and sets its cookie on the answer. */
async function startSession(c: Context<ConsoleEnv>, adminToken: string, subject: string): Promise<Session> {
  const { session, value } = await issueSession(adminToken, { subject, now: unixSeconds(new Date()), csrfSecret: newCsrfSecret() });
  setCookie(c, SESSION_COOKIE, value, { path: "/console", httpOnly: true, sameSite: "Strict", secure: isHttps(c), maxAge: SESSION_TTL_SECONDS });
  return session;
}

/** Secure cookies need HTTPS; local development is plain http://localhost. */
const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";
