import type { z } from "zod";
import { ApiError } from "../http/api-error";

/** Parses an admin request body with a zod schema; problems become a 400 naming the field. */
export async function parseJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ApiError(400, "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".");
  throw new ApiError(400, field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
