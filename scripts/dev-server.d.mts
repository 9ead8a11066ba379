export interface DevServer {
  baseUrl: string;
  startupSeconds: number;
  logPath: string;
  stop(): Promise<void>;
  reloads(): number;
}

/**
 * `stateRoot`: where the server's state directory is made (default: the OS temp directory).
 * `vars`: values that override wrangler.toml's [vars] for this server only.
 */
export function startDevServer(options?: {
  label?: string;
  keep?: boolean;
  log?: (line: string) => void;
  stateRoot?: string;
  vars?: Record<string, string>;
}): Promise<DevServer>;
