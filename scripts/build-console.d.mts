/** Bundles each src/console/client/<name>.ts into src/console/client/scripts.generated.ts (only rewritten when it changed). */
export function buildConsole(options?: { log?: (line: string) => void }): Promise<Record<string, { raw: number; gzip: number }>>;
