export interface DevServer {
  baseUrl: string;
  startupSeconds: number;
  logPath: string;
  stop(): Promise<void>;
  reloads(): number;
}

export function startDevServer(options?: { label?: string; keep?: boolean; log?: (line: string) => void }): Promise<DevServer>;
