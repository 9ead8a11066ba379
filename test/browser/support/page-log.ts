import type { BrowserContext, Page } from "playwright-core";

const MAX_LINES = 80;

/**
 * What a browser context did that helps explain a failure: console errors and warnings, uncaught
 * exceptions, failed requests, every answer from Sluice (anything but the test pages: status,
 * method, URL) and failed answers from the page server. Attached to every page the context
 * opens; failures in the tests append `describe()` to their message.
 */
export class PageLog {
  private readonly lines: string[] = [];

  constructor(
    context: BrowserContext,
    private readonly pagesOrigin: string,
  ) {
    for (const page of context.pages()) this.attach(page);
    context.on("page", (page) => this.attach(page));
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  private attach(page: Page): void {
    page.on("console", (message) => {
      const type = message.type();
      if (type === "error" || type === "warning") this.add(`console.${type}: ${message.text()}`);
    });
    page.on("pageerror", (error) => this.add(`uncaught exception: ${error.message}`));
    page.on("requestfailed", (request) => {
      this.add(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? "?"})`);
    });
    page.on("response", (response) => {
      const request = response.request();
      if (!response.url().startsWith(this.pagesOrigin)) {
        this.add(`${response.status()} for ${request.method()} ${response.url()}`);
      } else if (response.status() >= 400) {
        this.add(`${response.status()} for ${request.method()} ${response.url()}`);
      }
    });
  }

  describe(): string {
    return this.lines.length === 0 ? "--- browser log: nothing recorded ---" : `--- browser log (last ${this.lines.length}) ---\n${this.lines.join("\n")}`;
  }
}
