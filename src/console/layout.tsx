import type { Child, FC } from "hono/jsx";
import { CSRF_FIELD } from "./csrf";

/**
 * The console's page shell and its signed-in layout. Pure functions of their props: JSX escapes
 * every value, no script runs, the only stylesheet is the Worker's own.
 */

export const STYLESHEET_PATH = "/console/console.css";

/** The HTML document around every console page. */
export const Page: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · Sluice`}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={STYLESHEET_PATH} />
    </head>
    <body>{children}</body>
  </html>
);

/** The console's sections, in navigation order. `href` is absent while a section is still to come. */
export const SECTIONS: readonly { id: string; label: string; href?: string }[] = [
  { id: "overview", label: "Overview", href: "/console" },
  { id: "sources", label: "Sources", href: "/console/sources" },
  { id: "schema", label: "Schema", href: "/console/schema" },
  { id: "tracking-plans", label: "Tracking plans", href: "/console/tracking-plans" },
  { id: "destinations", label: "Destinations", href: "/console/destinations" },
  { id: "catalog", label: "Catalog", href: "/console/catalog" },
  { id: "profiles", label: "Profiles", href: "/console/profiles" },
  { id: "replays", label: "Replays", href: "/console/replays" },
  { id: "privacy", label: "Privacy", href: "/console/privacy" },
  { id: "warehouse", label: "Warehouse", href: "/console/warehouse" },
  { id: "api", label: "API", href: "/api/v1/docs" },
];

export interface LayoutProps {
  title: string;
  /** The section shown, highlighted in the navigation. */
  current: string;
  /** Who is signed in: "admin" for the admin token, else the Access identity. */
  subject: string;
  csrfToken: string;
  children?: Child;
}

/** The id of every signed-in page's `<main>`: the skip link's target. */
export const CONTENT_ID = "content";

/**
 * A signed-in page: a skip link past the navigation (the first Tab stop, shown when focused),
 * navigation, who is signed in with a sign-out button, and the content. `<main>` takes the focus
 * from the skip link (`tabindex=-1`), so the next Tab continues from the content.
 */
export const Layout: FC<LayoutProps> = ({ title, current, subject, csrfToken, children }) => (
  <Page title={title}>
    <a class="skip" href={`#${CONTENT_ID}`}>
      Skip to content
    </a>
    <div class="shell">
      <header class="bar">
        <a class="brand" href="/console">
          Sluice
        </a>
        <Navigation current={current} />
        <div class="account">
          <span class="who" title="Signed in as">
            {subject === "admin" ? "Admin token" : subject}
          </span>
          <SignOutForm csrfToken={csrfToken} />
        </div>
      </header>
      <main id={CONTENT_ID} tabindex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  </Page>
);

const Navigation: FC<{ current: string }> = ({ current }) => (
  <nav aria-label="Console">
    <ul>
      {SECTIONS.map((section) => (
        <li>
          {section.href ? (
            <a href={section.href} aria-current={section.id === current ? "page" : undefined}>
              {section.label}
            </a>
          ) : (
            <span class="soon" aria-disabled="true" title="Coming soon">
              {section.label}
            </span>
          )}
        </li>
      ))}
    </ul>
  </nav>
);

/**
 * A box that scrolls sideways when what it holds is wider than the screen (a table on a phone).
 * Keyboard users scroll it by focusing it, so it is a Tab stop, and a named region so a screen
 * reader says what that stop is (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export const ScrollRegion: FC<{ label: string; class?: string; children?: Child }> = ({ label, class: className = "table-wrap", children }) => (
  <div class={className} role="region" aria-label={label} tabindex={0}>
    {children}
  </div>
);

/** Sign-out is a POST with the session's CSRF token, never a link another site could load. */
export const SignOutForm: FC<{ csrfToken: string }> = ({ csrfToken }) => (
  <form method="post" action="/console/sign-out" class="sign-out">
    <input type="hidden" name={CSRF_FIELD} value={csrfToken} />
    <button type="submit">Sign out</button>
  </form>
);
