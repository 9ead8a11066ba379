import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { HonoEnv } from "../env";
import { CSRF_FIELD, csrfTokenFor, isCsrfTokenValid } from "./csrf";
import type { PostedForm } from "./form";
import { NotFoundPage, RefusedPage } from "./pages";
import type { Session } from "./session";

/** What every console handler sees: the session of the request (null when signed out). */
export type ConsoleEnv = HonoEnv & { Variables: { session: Session | null } };

/** What a signed-in page needs to render its layout and forms. */
export interface SignedIn {
  session: Session;
  /** The CSRF token every form of the page carries in its `csrf` field. */
  csrfToken: string;
}

export type SignedInEnv = HonoEnv & { Variables: { session: Session | null; signedIn: SignedIn } };
export type SignedInContext = Context<SignedInEnv>;

/** A page, in standards mode. */
export function render(c: Context, page: Child, status: 200 | 400 | 403 | 404 | 409 | 429 | 503 = 200) {
  return c.html(html`<!DOCTYPE html>${page}`, status);
}

/**
 * Guards the signed-in sections: a request without a session goes to the sign-in page (303), and
 * every POST must carry the session's CSRF token (the form field `csrf`), or it is refused (403).
 * Cross-site POSTs were already refused by the console app's origin check.
 */
export const requireSignedIn = createMiddleware<SignedInEnv>(async (c, next) => {
  const session = c.get("session");
  const adminToken = c.env.ADMIN_TOKEN;
  if (!session || !adminToken) return c.redirect("/console", 303);
  if (c.req.method === "POST") {
    const form = await c.req.parseBody();
    const presented = form[CSRF_FIELD];
    if (!(await isCsrfTokenValid(adminToken, session, typeof presented === "string" ? presented : undefined))) {
      return render(c, <RefusedPage message="This form has expired or did not come from this console. Reload the page and try again." />, 403);
    }
  }
  c.set("signedIn", { session, csrfToken: await csrfTokenFor(adminToken, session) });
  await next();
});

/** The fields of a POSTed form as strings (a field sent twice counts by its last value). */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const form = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** A POSTed form with every value of a repeated field (checkboxes), as the section form readers take it. */
export const postedForm = (c: Context): Promise<PostedForm> => c.req.parseBody<{ all: true }, PostedForm>({ all: true });

/** Who is signed in and the CSRF token, as every signed-in page takes them. */
export const pageContextOf = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });

/** The console's 404 page for the path asked for. */
export const notFoundPage = (c: Context) => render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
