/**
 * Counts of billable Cloudflare operations made by one entry point (a request, a queue batch, a
 * Durable Object), printed as one `sluice-meter {json}` log line that the cost bench sums
 * (bench/sections/cost.mjs). Counters are grouped by what was used: `d1:DB`, `r2:ARCHIVE`,
 * `queue:EVENTS`, `do:PROFILES` (calls on that binding), `consume:<queue>` (a batch delivered),
 * `sql` (a Durable Object's own SQLite), `worker` (invocations).
 */
export const METER_PREFIX = "sluice-meter ";

export type Counters = Record<string, number>;

export interface MeterLine {
  entry: string;
  /** The Durable Object a line is about (its id), for per-object figures such as database size. */
  object?: string;
  ops: Record<string, Counters>;
  /** Last-seen values (database sizes), not summed. */
  gauges?: Counters;
}

export class Meter {
  private ops: Record<string, Counters> = {};
  private gauges: Counters = {};
  private pending = false;
  /** Once closed, each later count is printed on its own (in a microtask), so nothing is lost. */
  private closed = false;

  constructor(
    readonly entry: string,
    private readonly print: (line: string) => void = console.log,
    private readonly object?: string,
    /** Prints by itself after each synchronous run of counts (Durable Objects: no end to hook). */
    autoFlush = false,
  ) {
    this.closed = autoFlush;
  }

  count(group: string, counts: Counters): void {
    const counters = (this.ops[group] ??= {});
    for (const [name, value] of Object.entries(counts)) counters[name] = (counters[name] ?? 0) + value;
    this.scheduleFlush();
  }

  gauge(name: string, value: number): void {
    this.gauges[name] = value;
    this.scheduleFlush();
  }

  /** Ends the entry point's own run: prints what was counted; later counts print on their own. */
  close(): void {
    this.closed = true;
    this.flush();
  }

  flush(): void {
    this.pending = false;
    if (Object.keys(this.ops).length === 0 && Object.keys(this.gauges).length === 0) return;
    const line: MeterLine = { entry: this.entry, ...(this.object ? { object: this.object } : {}), ops: this.ops };
    if (Object.keys(this.gauges).length > 0) line.gauges = this.gauges;
    this.ops = {};
    this.gauges = {};
    this.print(`${METER_PREFIX}${JSON.stringify(line)}`);
  }

  private scheduleFlush(): void {
    if (!this.closed || this.pending) return;
    this.pending = true;
    queueMicrotask(() => this.flush());
  }
}
