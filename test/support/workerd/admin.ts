import { env } from "cloudflare:workers";
import { app } from "../../../workers/app";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

/** An admin API call through the Worker's own router, with the test admin token. */
export async function admin<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
  const response = await app.request(`/api/v1${path}`, { method, headers: ADMIN, ...(body ? { body: JSON.stringify(body) } : {}) }, env);
  return { status: response.status, body: (await response.json()) as T };
}
