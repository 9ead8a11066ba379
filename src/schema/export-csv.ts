import type { SchemaEventView } from "./store";

/**
 * The schema as Segment's Schema CSV export lays it out: one row per event and property (track)
 * or per trait (identify, group), never values. Cells are quoted as RFC 4180 says, and cells a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) get a leading `'`: event and
 * property names come from whoever holds a write key.
 */
export function schemaCsv(events: readonly SchemaEventView[], type: "track" | "identify" | "group"): string {
  const rows: string[][] = [];
  if (type === "track") {
    rows.push(["Event Name", "Last Seen At (UTC)", "Property Name", "Allowed", "Blocked", "Total"]);
    for (const event of events.filter((candidate) => candidate.type === "track")) {
      const counts = [String(event.total - event.blocked), String(event.blocked), String(event.total)];
      if (event.properties.length === 0) rows.push([event.name, event.lastSeen, "", ...counts]);
      for (const property of event.properties) rows.push([event.name, property.lastSeen, property.path, ...counts]);
    }
  } else {
    rows.push(["Trait Name", "Last Seen At (UTC)", "Allowed", "Blocked", "Total"]);
    for (const event of events.filter((candidate) => candidate.type === type)) {
      const counts = [String(event.total - event.blocked), String(event.blocked), String(event.total)];
      for (const trait of event.properties) rows.push([trait.path, trait.lastSeen, ...counts]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
