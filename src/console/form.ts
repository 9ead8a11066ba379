/** Reading a POSTed console form: pure, shared by every section's form parser. */

/** A POSTed form as Hono's `parseBody({ all: true })` gives it. */
export type PostedForm = Record<string, string | File | (string | File)[]>;

/** A field's value as typed (the last, when it was sent twice), or "" when absent or a file. */
export const text = (form: PostedForm, name: string): string => {
  const value = form[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === "string" ? last : "";
};

/** Every value of a repeated field (checkboxes, multi-selects), files left out. */
export const texts = (form: PostedForm, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
};
