import { AggregateAjvError } from "@segment/ajv-human-errors";
import { arrifyFields } from "@segment/actions-core/dist/cjs/arrify";
import { fullFormats } from "ajv-formats/dist/formats";
import dayjs from "dayjs";
import { validateInPlace, type FormatCheck, type Schema } from "./schema-validator";

/**
 * Stands in for `@segment/actions-core`'s schema-validation module (scripts/build-actions.mjs
 * swaps it in): the same `validateSchema(obj, schema, options)`, the same formats, the same
 * exemptions and the same AggregateAjvError, with ./schema-validator in place of ajv, whose
 * compiled validators Workers cannot run.
 */

function formatCheck(format: unknown): FormatCheck {
  if (format === true) return () => true;
  if (format instanceof RegExp) return (value) => format.test(value);
  if (typeof format === "function") return format as FormatCheck;
  if (typeof format === "object" && format !== null && "validate" in format) return formatCheck(format.validate);
  throw new Error("unsupported format definition");
}

/** ajv applies a number format (int32, float…) to numbers only; this validator checks strings, so it leaves them out. */
const isNumberFormat = (format: unknown) => typeof format === "object" && format !== null && "type" in format && format.type === "number";

/** actions-core's `date-like`: anything dayjs reads as a date, or a Unix time in seconds. */
function isDateLike(value: string): boolean {
  let date = dayjs(value);
  if (String(Number(value)) === value) date = dayjs.unix(Number(value));
  return date.isValid();
}

export const FORMATS: Readonly<Record<string, FormatCheck>> = {
  ...Object.fromEntries(
    Object.entries(fullFormats)
      .filter(([, format]) => !isNumberFormat(format))
      .map(([name, format]) => [name, formatCheck(format)]),
  ),
  text: () => true,
  "date-like": isDateLike,
};

interface ValidationOptions {
  schemaKey?: string;
  throwIfInvalid?: boolean;
  statsContext?: { statsClient?: { incr(name: string, value: number, tags?: string[]): void }; tags?: string[] };
  exempt?: string[];
}

export function validateSchema(obj: Record<string, unknown>, schema: Schema, options?: ValidationOptions): boolean {
  const { throwIfInvalid = true, statsContext, exempt = [] } = options ?? {};
  const copy = { ...obj };
  arrifyFields(obj, schema);
  const errors = validateInPlace(obj, schema, FORMATS);
  for (const name of exempt) if (copy[name] !== undefined) obj[name] = copy[name];
  if (throwIfInvalid && errors.length > 0) {
    statsContext?.statsClient?.incr("ajv.discard", 1, statsContext.tags);
    throw new AggregateAjvError(errors as never);
  }
  return errors.length === 0;
}
