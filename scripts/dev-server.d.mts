export interface DevServer {
  baseUrl: string;
  startupSeconds: number;
  logPath: string;
  stop(): Promise<void>;
  reloads(): number;
}

/** `stateRoot`: where the server's state directory is made (default: the OS temp directory). */
export function startDevServer(options?: { label?: string; keep?: boolean; log?: (line: string) => void; stateRoot?: string }): Promise<DevServer>;
