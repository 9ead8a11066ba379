// Variants of Sluice's wrangler.toml for the bench, written to a directory of the caller's as
// wrangler.json. wrangler resolves a config's relative paths against the config's own folder, so
// the copy names the repository's files by absolute path and behaves as wrangler.toml does.
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const fromRoot = (path) => (isAbsolute(path) ? path : resolve(REPO_ROOT, path));

/**
 * wrangler.toml without its `[[queues.consumers]]`: the Worker still produces to every queue, but
 * nothing consumes them, so a server running it measures the edge alone. Returns the file's path.
 */
export async function writeConfigWithoutConsumers(dir) {
  // wrangler's own reader, so the copy is the file wrangler would read (imported late: it is large).
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: join(REPO_ROOT, "wrangler.toml") });
  const { consumers: _consumers, ...queues } = rawConfig.queues ?? {};
  const config = {
    ...rawConfig,
    main: fromRoot(rawConfig.main),
    queues,
    d1_databases: rawConfig.d1_databases?.map((database) => ({ ...database, migrations_dir: fromRoot(database.migrations_dir ?? "migrations") })),
  };
  if (rawConfig.build) {
    const watch = rawConfig.build.watch_dir;
    config.build = {
      ...rawConfig.build,
      cwd: fromRoot(rawConfig.build.cwd ?? "."),
      watch_dir: Array.isArray(watch) ? watch.map(fromRoot) : watch && fromRoot(watch),
    };
  }
  const path = join(dir, "wrangler.json");
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}
