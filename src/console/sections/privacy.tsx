import { Hono } from "hono";
import { DestinationStore } from "../../destinations/destination-store";
import { createRegulation } from "../../privacy/create-regulation";
import { RegulationStore } from "../../privacy/regulation-store";
import { render, type SignedInContext, type SignedInEnv } from "../context";
import type { PostedForm } from "../form";
import { NotFoundPage } from "../pages";
import { PrivacyPage, RegulationPage } from "./privacy-pages";
import { EMPTY_REGULATION_FORM, regulationFormOf, regulationRequestOf, type RegulationFormValues } from "./regulation-form";

/** Regulations the Privacy page lists, newest first. */
const SHOWN = 100;

const pageContext = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });

async function privacyPage(c: SignedInContext, form: RegulationFormValues, error?: string, status: 200 | 400 | 503 = 200) {
  const regulations = await new RegulationStore(c.env.DB).list(SHOWN);
  return render(c, <PrivacyPage {...pageContext(c)} regulations={regulations} form={form} error={error} />, status);
}

/**
 * `/console/privacy`: regulations through the same `createRegulation` as `POST /api/v1/regulations`,
 * their progress per store and destination, and the receipt of a finished deletion.
 */
export const privacySection = new Hono<SignedInEnv>()
  .get("/privacy", (c) => privacyPage(c, EMPTY_REGULATION_FORM))
  .post("/privacy/regulations", async (c) => {
    const values = regulationFormOf(await c.req.parseBody<{ all: true }, PostedForm>({ all: true }));
    const parsed = regulationRequestOf(values);
    if (!parsed.ok) return privacyPage(c, values, parsed.message, 400);
    const created = await createRegulation(c.env, parsed.request);
    if (!created.ok) return privacyPage(c, values, created.message, created.status);
    return c.redirect(`/console/privacy/regulations/${encodeURIComponent(created.regulation.id)}`, 303);
  })
  .get("/privacy/regulations/:id", async (c) => {
    const regulation = await new RegulationStore(c.env.DB).get(c.req.param("id"));
    if (!regulation) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    const destinations = await new DestinationStore(c.env.DB).list();
    return render(
      c,
      <RegulationPage {...pageContext(c)} regulation={regulation} destinationNames={Object.fromEntries(destinations.map((item) => [item.id, item.name]))} />,
    );
  });
