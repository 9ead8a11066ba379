import { z } from "@hono/zod-openapi";

/**
 * Query parameters as the routes have always read them: a repeated parameter by its first value,
 * an empty one as absent. Each schema also describes the parameter in the OpenAPI document.
 */
const firstValue = (value: unknown): unknown => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return first === "" ? undefined : first;
};

/** An optional string. */
export const queryText = (description: string) => z.preprocess(firstValue, z.string().optional()).openapi({ type: "string", description });

/** A whole number from 1 to `max` (digits only), `fallback` when absent. */
export function queryWholeNumber(max: number, fallback: number, description?: string) {
  const error = `must be a whole number from 1 to ${max}`;
  return z
    .preprocess(
      firstValue,
      z
        .string({ error })
        .regex(/^\d{1,9}$/, { error })
        .optional()
        .transform((digits) => (digits === undefined ? fallback : Number(digits)))
        .pipe(z.number().min(1, { error }).max(max, { error })),
    )
    .openapi({ type: "integer", minimum: 1, maximum: max, default: fallback, ...(description ? { description } : {}) });
}

/** An ISO-8601 instant, as a Date. */
export const queryInstant = (description: string) =>
  z
    .preprocess(
      firstValue,
      z
        .string()
        .optional()
        .refine((raw) => raw === undefined || !Number.isNaN(Date.parse(raw)), { error: "must be an ISO-8601 date-time, like 2026-01-31T00:00:00Z" })
        .transform((raw) => (raw === undefined ? undefined : new Date(raw))),
    )
    .openapi({ type: "string", format: "date-time", description });

/** A comma-separated list, as its non-empty items. */
export const queryList = (description: string) =>
  z
    .preprocess(
      firstValue,
      z
        .string()
        .optional()
        .transform((raw) =>
          raw
            ?.split(",")
            .map((item) => item.trim())
            .filter((item) => item !== ""),
        ),
    )
    .openapi({ type: "string", description });

/** `true` or not: anything but `true` is false, as the routes always read such flags. */
export const queryFlag = (description: string) =>
  z
    .preprocess(
      firstValue,
      z
        .string()
        .optional()
        .transform((raw) => raw === "true"),
    )
    .openapi({ type: "boolean", description });

/** One of `values`, or absent (the route says what absent means). */
export const queryChoice = <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z
    .preprocess(firstValue, z.enum(values, { error: `must be one of ${values.join(", ")}` }).optional())
    .openapi({ type: "string", enum: [...values], description });
