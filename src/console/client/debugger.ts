import type { DebuggerEntry } from "../../debugger/entry";
import type { StreamMessage } from "../../debugger/stream-messages";
import { entryView, matchesQuery } from "../debugger-view";
import { buildView } from "./shared/build-view";

/**
 * The live debugger's page script (served as /console/assets/debugger.js): opens the source's
 * stream, puts each new or changed entry in place (new ones on top), filters by the search box,
 * and holds what arrives while paused. Entries are built with createElement and textContent from
 * the same view tree the server renders, so nothing from an event is ever parsed as HTML.
 */

const MAX_SHOWN = 500;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const root = document.querySelector<HTMLElement>(".debugger")!;
const list = $<HTMLOListElement>("debugger-entries");
const search = $<HTMLInputElement>("debugger-search");
const pauseButton = $<HTMLButtonElement>("debugger-pause");
const status = $("debugger-status");
const empty = $("debugger-empty");
const noMatch = $("debugger-no-match");

let paused = false;
let connected = false;
/** Failed connections in a row: after a few, the status says what may be wrong. */
let failures = 0;
/** Entries that arrived while paused, by id (a later version of one replaces the earlier). */
const held = new Map<string, DebuggerEntry>();

const items = () => Array.from(list.children) as HTMLElement[];

function filter(item: HTMLElement): void {
  item.hidden = !matchesQuery(item.textContent ?? "", search.value);
}

function refresh(): void {
  const all = items();
  empty.hidden = all.length > 0;
  noMatch.hidden = all.length === 0 || all.some((item) => !item.hidden);
  const offline = failures >= 3 ? "Disconnected, retrying: reload the page if this lasts (your session may have ended)" : "Reconnecting…";
  const state = paused ? `Paused${held.size > 0 ? `: ${held.size} new held` : ""}` : connected ? "Live" : offline;
  status.textContent = state;
  pauseButton.textContent = paused ? (held.size > 0 ? `Resume (${held.size} new)` : "Resume") : "Pause";
  pauseButton.setAttribute("aria-pressed", String(paused));
}

/** Replaces an entry already shown (keeping it open if it was) or puts a new one on top. */
function show(entry: DebuggerEntry): void {
  const item = buildView(entryView(entry)) as HTMLElement;
  const shown = items().find((existing) => existing.dataset.id === entry.id);
  if (shown) {
    if (shown.querySelector("details")?.open) item.querySelector("details")!.open = true;
    shown.replaceWith(item);
  } else {
    // Newest first by receivedAt: what a reconnection catches up on goes below newer live entries.
    const newer = (other: HTMLElement) => (other.querySelector("time")?.getAttribute("datetime") ?? "") > entry.receivedAt;
    list.insertBefore(item, items().find((other) => !newer(other)) ?? null);
    for (const extra of items().slice(MAX_SHOWN)) extra.remove();
  }
  filter(item);
}

/** Entries oldest first (as the stream sends them), so each new one goes above those as old as it. */
function receive(entries: DebuggerEntry[]): void {
  for (const entry of entries) {
    // An update to an entry already on screen is not news to hold back.
    if (paused && !items().some((item) => item.dataset.id === entry.id)) held.set(entry.id, entry);
    else show(entry);
  }
  refresh();
}

/** After a reconnection: what the buffer got while the socket was down (newest first), put in place. */
async function catchUp(): Promise<void> {
  const response = await fetch(root.dataset.entries!, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { entries } = (await response.json()) as { entries: DebuggerEntry[] };
  receive(entries.reverse());
}

function connect(attempt: number, reconnecting: boolean): void {
  const url = new URL(root.dataset.stream!, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(url);
  socket.onopen = () => {
    attempt = 0;
    failures = 0;
    connected = true;
    refresh();
    if (reconnecting) catchUp().catch(() => undefined);
  };
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data)) as StreamMessage;
    if (data.type === "entries") receive(data.entries);
  };
  socket.onclose = () => {
    connected = false;
    failures = attempt + 1;
    refresh();
    // Backoff 1, 2, 4 … 30 s, jittered, so a restarted server is not met by every tab at once.
    const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
    setTimeout(() => connect(attempt + 1, true), delay);
  };
}

search.addEventListener("input", () => {
  items().forEach(filter);
  refresh();
});
pauseButton.addEventListener("click", () => {
  paused = !paused;
  if (!paused) {
    const waiting = [...held.values()];
    held.clear();
    waiting.forEach(show);
  }
  refresh();
});
items().forEach(filter);
refresh();
connect(0, false);
