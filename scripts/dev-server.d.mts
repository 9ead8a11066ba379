export interface DevServer {
  baseUrl: string;
  port: number;
  /** Holds `state/` (wrangler's --persist-to) and `server.log`. */
  stateDir: string;
  startupSeconds: number;
  logPath: string;
  /** The server's process group (node, wrangler, workerd): `process.kill(-processGroup, signal)` reaches all of it. */
  processGroup: number;
  /** wrangler's --persist-to: local D1, R2 and Durable Object state (v3/…). */
  persistDir: string;
  stop(): Promise<void>;
  reloads(): number;
}

/**
 * `stateRoot`: where the server's state directory is made (default: the OS temp directory).
 * `vars`: values that override wrangler.toml's [vars] for this server only.
 * `stateDir` and `port`: start on another server's state and address (a restart after a kill);
 * the directory is the caller's and is never removed.
 * `wranglerConfig`: another config file to run instead of wrangler.toml.
 */
export function startDevServer(options?: {
  label?: string;
  keep?: boolean;
  log?: (line: string) => void;
  stateRoot?: string;
  vars?: Record<string, string>;
  stateDir?: string;
  port?: number;
  wranglerConfig?: string;
}): Promise<DevServer>;
