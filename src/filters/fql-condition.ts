import { z } from "zod";
import { parseFql } from "./fql";

/**
 * A filter's `if` as the admin API takes it: an FQL condition, or `all` (Segment's "every
 * event"), refused when saved if it does not parse, with the parser's reason.
 */
export const fqlCondition = z
  .string({ error: "if is required: an FQL condition, or `all`" })
  .min(1, { error: "must be an FQL condition, or `all`" })
  .superRefine((condition, ctx) => {
    if (condition.trim() === "all") return;
    const parsed = parseFql(condition);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
  });
