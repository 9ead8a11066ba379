import { describe, expect, it } from "vitest";
import type { Regulation } from "../../privacy/regulation";
import { EMPTY_REGULATION_FORM } from "./regulation-form";
import { PrivacyPage, RegulationPage } from "./privacy-pages";

const render = async (page: unknown) => String(await page);
const viewer = { subject: "admin", csrfToken: "tok" };
const regulation = (changes: Partial<Regulation> = {}): Regulation => ({
  id: "reg_1",
  regulationType: "SUPPRESS_WITH_DELETE",
  subjectType: "USER_ID",
  subjectIds: ["u1", "u2", "u3", "u4"],
  covered: ["user_id:u1", "anonymous_id:a1"],
  status: "RUNNING",
  progress: { stores: { suppression: { status: "done", removed: {}, added: { keys: 2 } } }, destinations: {} },
  error: null,
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:01.000Z",
  ...changes,
});

describe("privacy pages", () => {
  it("the empty list says what a regulation is for; the form offers every type", async () => {
    const html = await render(PrivacyPage({ ...viewer, regulations: [], exports: [], form: EMPTY_REGULATION_FORM }));
    expect(html).toContain("No regulations yet.");
    expect(html).toContain("No subject exports yet.");
    expect(html.match(/<option /g)).toHaveLength(7);
    expect(html).toContain('<option value="SUPPRESS_WITH_DELETE" selected="">');
    expect(html).toContain('name="csrf" value="tok"');
  });

  it("a running regulation reloads itself and shows its progress; a finished one shows its receipt", async () => {
    const running = await render(RegulationPage({ ...viewer, regulation: regulation(), destinationNames: {} }));
    expect(running).toContain('http-equiv="refresh"');
    expect(running).toContain("u1, u2, u3 and 1 more");
    expect(running).toContain("2 keys");

    const finished = await render(
      RegulationPage({
        ...viewer,
        destinationNames: { d1: "Webhook <b>" },
        regulation: regulation({
          status: "FINISHED",
          progress: {
            stores: { archive: { status: "done", removed: { events: 12, objects: 3 } } },
            destinations: { d1: { status: "done", removed: { requests: 4 } } },
            verification: { objectsChecked: 3, eventsChecked: 40, occurrences: 0, profilesStillFound: 0, at: "2026-11-30T10:01:00.000Z" },
          },
        }),
      }),
    );
    expect(finished).not.toContain('http-equiv="refresh"');
    expect(finished).toContain("12 events, 3 objects");
    expect(finished).toContain("Webhook &lt;b&gt;");
    expect(finished).toContain("Verified: 3 archive objects and 40 events re-read, no occurrence of any covered identifier");
  });
});

describe("subject exports on the privacy page", () => {
  it("links a finished export's download and says when a running one will have one", async () => {
    const base = {
      subjectType: "USER_ID" as const,
      subjectIds: ["<b>u1</b>"],
      covered: ["user_id:u1"],
      error: null,
      createdAt: "2026-11-30T10:00:00.000Z",
      updatedAt: "2026-11-30T10:00:00.000Z",
      progress: { objectsRead: 2, events: 7, profiles: 1 },
    };
    const html = await render(
      PrivacyPage({
        ...viewer,
        regulations: [],
        form: EMPTY_REGULATION_FORM,
        exports: [
          { ...base, id: "exp_done", status: "FINISHED" },
          { ...base, id: "exp_running", status: "RUNNING" },
        ],
        exportError: "Enter at least one userId, one per line.",
      }),
    );
    expect(html).toContain('href="/console/privacy/exports/exp_done/download"');
    expect(html).not.toContain("exp_running/download");
    expect(html).toContain("when finished");
    expect(html).toContain("7 events, 1 profiles");
    expect(html).toContain("&lt;b&gt;u1&lt;/b&gt;");
    expect(html).toContain('role="alert">Enter at least one userId, one per line.</p>');
  });
});
