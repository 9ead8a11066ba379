import { Hono } from "hono";
import { DestinationStore } from "../../destinations/destination-store";
import { createRegulation } from "../../privacy/create-regulation";
import { createSubjectExport } from "../../privacy/create-subject-export";
import { streamExport } from "../../privacy/subject-export-download";
import { SubjectExportStore } from "../../privacy/subject-export-store";
import { text } from "../form";
import { RegulationStore } from "../../privacy/regulation-store";
import { render, type SignedInContext, type SignedInEnv } from "../context";
import type { PostedForm } from "../form";
import { NotFoundPage } from "../pages";
import { PrivacyPage, RegulationPage } from "./privacy-pages";
import { EMPTY_REGULATION_FORM, regulationFormOf, exportSubjectIdsOf, regulationRequestOf, type RegulationFormValues } from "./regulation-form";

/** Regulations the Privacy page lists, newest first. */
const SHOWN = 100;

const pageContext = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });

interface PageExtras {
  error?: string;
  exportError?: string;
  exportIds?: string;
}

async function privacyPage(c: SignedInContext, form: RegulationFormValues, extras: PageExtras = {}, status: 200 | 400 | 503 = 200) {
  const [regulations, exports] = await Promise.all([new RegulationStore(c.env.DB).list(SHOWN), new SubjectExportStore(c.env.DB).list(SHOWN)]);
  return render(c, <PrivacyPage {...pageContext(c)} regulations={regulations} exports={exports} form={form} {...extras} />, status);
}

/**
 * `/console/privacy`: regulations through the same `createRegulation` as `POST /api/v1/regulations`,
 * their progress per store and destination, and the receipt of a finished deletion; subject
 * exports through `createSubjectExport`, downloaded with the session. Retention is set on each
 * source's page.
 */
export const privacySection = new Hono<SignedInEnv>()
  .get("/privacy", (c) => privacyPage(c, EMPTY_REGULATION_FORM))
  .post("/privacy/regulations", async (c) => {
    const values = regulationFormOf(await c.req.parseBody<{ all: true }, PostedForm>({ all: true }));
    const parsed = regulationRequestOf(values);
    if (!parsed.ok) return privacyPage(c, values, { error: parsed.message }, 400);
    const created = await createRegulation(c.env, parsed.request);
    if (!created.ok) return privacyPage(c, values, { error: created.message }, created.status);
    return c.redirect(`/console/privacy/regulations/${encodeURIComponent(created.regulation.id)}`, 303);
  })
  .post("/privacy/exports", async (c) => {
    const typed = text(await c.req.parseBody<{ all: true }, PostedForm>({ all: true }), "subjectIds");
    const checked = exportSubjectIdsOf(typed);
    if (!checked.ok) return privacyPage(c, EMPTY_REGULATION_FORM, { exportError: checked.message, exportIds: typed }, 400);
    const created = await createSubjectExport(c.env, checked.subjectIds);
    if (!created.ok) return privacyPage(c, EMPTY_REGULATION_FORM, { exportError: created.message, exportIds: typed }, 400);
    return c.redirect("/console/privacy#exports", 303);
  })
  .get("/privacy/exports/:id/download", async (c) => {
    const found = await new SubjectExportStore(c.env.DB).get(c.req.param("id"));
    if (!found || found.status !== "FINISHED") return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    return c.body(streamExport(c.env.ARCHIVE, found, new Date()), 200, {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.id}.ndjson"`,
    });
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
