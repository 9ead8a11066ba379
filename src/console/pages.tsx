import type { FC } from "hono/jsx";
import { Page } from "./layout";

/** The console's pages, each a pure function of what it shows. */

export interface SignInPageProps {
  /** What went wrong with the last attempt, said so the person knows what to do. */
  error?: string;
  /** Whether Cloudflare Access is configured (then signing in through Access is the usual way). */
  accessConfigured?: boolean;
}

export const SignInPage: FC<SignInPageProps> = ({ error, accessConfigured }) => (
  <Page title="Sign in">
    <main class="card">
      <p class="brand">Sluice</p>
      <h1>Sign in to the console</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/console/sign-in">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus spellcheck={false} />
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        {accessConfigured
          ? "This deployment is behind Cloudflare Access: open the console through your Access application to sign in without the token."
          : "The admin token is the ADMIN_TOKEN secret of this deployment (dev_admin_token in local development)."}
      </p>
    </main>
  </Page>
);

/** Said instead of the form when the deployment cannot sign anyone in. */
export const UnavailablePage: FC = () => (
  <Page title="Console unavailable">
    <main class="card">
      <p class="brand">Sluice</p>
      <h1>The console is not set up</h1>
      <p class="error" role="alert">
        This deployment has no admin token, so nobody can sign in. Set one with <code>wrangler secret put ADMIN_TOKEN</code>, then reload this page.
      </p>
    </main>
  </Page>
);

export const TooManyAttemptsPage: FC<{ retryAfterSeconds: number }> = ({ retryAfterSeconds }) => (
  <Page title="Too many attempts">
    <main class="card">
      <p class="brand">Sluice</p>
      <h1>Too many sign-in attempts</h1>
      <p class="error" role="alert">
        {`Sign-in from your network is paused after 5 attempts in 15 minutes. Try again in ${describeWait(retryAfterSeconds)}.`}
      </p>
    </main>
  </Page>
);

export const RefusedPage: FC<{ message: string }> = ({ message }) => (
  <Page title="Request refused">
    <main class="card">
      <p class="brand">Sluice</p>
      <h1>Request refused</h1>
      <p class="error" role="alert">
        {message}
      </p>
      <p>
        <a href="/console">Back to the console</a>
      </p>
    </main>
  </Page>
);

export const NotFoundPage: FC<{ path: string }> = ({ path }) => (
  <Page title="Not found">
    <main class="card">
      <p class="brand">Sluice</p>
      <h1>Not found</h1>
      <p>
        The console has no page at <code>{path}</code>. <a href="/console">Go to the overview</a>.
      </p>
    </main>
  </Page>
);

/** "1 minute", "14 minutes", "30 seconds". */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
