/** Bundles src/sdk into src/sdk/bundle.generated.ts (only rewritten when it changed). */
export function buildSdk(options?: { log?: (line: string) => void }): Promise<{ raw: number; gzip: number }>;
