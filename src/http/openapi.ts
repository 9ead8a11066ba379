import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "./api-error";

/**
 * The admin and Profile APIs are declared with @hono/zod-openapi: one zod schema per path
 * parameter, query, body and answer both validates the request and describes it in
 * `/api/v1/openapi.json`, so the document cannot drift from what the routes accept.
 */

/** Security scheme names, as `/api/v1/openapi.json` declares them. */
export const ADMIN_SECURITY = [{ adminToken: [] }];
export const PROFILE_SECURITY = [{ profileToken: [] }];

/** The first problem zod found, as `field: what to send`, naming where it was (body, query, path). */
export function describeIssue(error: ZodError, target: string): { message: string; field?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: `The request ${target} is invalid.` };
  const field = issue.path.map(String).join(".");
  if (!field) return { message: target === "json" ? issue.message : `${target}: ${issue.message}` };
  return { message: `${field}: ${issue.message}`, field };
}

/** Admin routers answer a zod failure as the app's `{success:false, error, field}` 400. */
const rejectInvalid: Hook<unknown, HonoEnv, string, undefined> = (result) => {
  if (result.success) return;
  const { message, field } = describeIssue(result.error, result.target);
  throw new ApiError(400, message, field);
};

/** A router for part of the admin API: routes declared with `createRoute`, requests checked by zod. */
export const adminRouter = () => new OpenAPIHono<HonoEnv>({ defaultHook: rejectInvalid });

/** `{ content: { "application/json": { schema } }, description }`: an answer or a body. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T, description = "JSON body") => ({ ...json(schema, description), required: true });

export const ErrorBody = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ description: "What was wrong and what to send instead." }),
    field: z.string().optional().openapi({ description: "The request field at fault, as a dotted path." }),
  })
  .openapi("Error");

const error = (description: string) => json(ErrorBody, description);

/** Answers every admin route can give besides its own. */
export const ADMIN_ERRORS = {
  400: error("The request is invalid: `error` says what to send, `field` names the field."),
  401: error("Missing or wrong admin token."),
  503: error("The admin API is disabled: the deployment has no ADMIN_TOKEN secret."),
} as const;

export const NOT_FOUND = { 404: error("No such resource.") } as const;
export const CONFLICT = { 409: error("The change conflicts with the current state: `error` says how to resolve it.") } as const;

/** `{id}` path parameter, as most admin resources name theirs. */
export const idParam = (what: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .openapi({ param: { name: "id", in: "path" }, description: `The ${what}'s id.` }),
  });

/** `{deleted: true}` for DELETE routes. */
export const Deleted = z.object({ deleted: z.literal(true) }).openapi("Deleted");
