/** Bundles Segment's Actions framework and destinations for the Worker (see build-actions.mjs). */
export function buildActions(options?: { log?: (line: string) => void }): Promise<{ destinations: number; bytes: number; gzipBytes: number }>;
/** Every destination the default build bundles. */
export function defaultSlugs(): string[];
/** Destinations left out of the Worker, and why. */
export const EXCLUDED: Readonly<Record<string, string>>;
/** Framework modules the Workers-safe validator reads from actions-core's own copies: specifier → file. */
export const FRAMEWORK_MODULES: Readonly<Record<string, string>>;
