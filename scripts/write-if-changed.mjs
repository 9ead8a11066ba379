import { readFileSync, writeFileSync } from "node:fs";

/**
 * Writes a generated module only when its text changed, so wrangler's watcher and vite do not
 * reload for a build that produced the same output. Answers whether it wrote.
 */
export function writeIfChanged(path, text) {
  let previous = "";
  try {
    previous = readFileSync(path, "utf8");
  } catch {
    // First build on a fresh clone.
  }
  if (previous === text) return false;
  writeFileSync(path, text);
  return true;
}
