import fc from "fast-check";

/**
 * The admin API's operations as its OpenAPI document describes them, and bodies shaped by their
 * request schemas, so new routes and fields are covered without editing the tests.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  /** OpenAPI template: `/api/v1/sources/{id}`. */
  path: string;
  params: string[];
  body?: Schema;
}

export function operationsOf(document: OpenApiDocument, prefix: string): Operation[] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith(prefix))
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => {
        const body = operation.requestBody?.content?.["application/json"]?.schema;
        return { method: method.toUpperCase(), path, params: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!), ...(body ? { body } : {}) };
      }),
    );
}

/** A new empty object or array per value: fast-check hands out one `fc.constant` value everywhere, so a copy would alias it. */
const emptyObject = fc.constant(null).map(() => ({}));
const emptyArray = fc.constant(null).map((): unknown[] => []);

const isoDate = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Values the schema accepts, roughly: right types, lengths and enums; the server judges the rest. */
export function shapedBy(schema: Schema, document: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return shapedBy(document.components.schemas[schema.$ref.split("/").pop()!] ?? {}, document, depth);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => shapedBy(choice, document, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ["string", "integer", "object"];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case "null":
          return fc.constant(null);
        case "boolean":
          return fc.boolean();
        case "integer":
          return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1_000 });
        case "number":
          return fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1_000, noNaN: true });
        case "string":
          return schema.format === "date-time" ? isoDate : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
        case "array":
          return depth > 3 ? emptyArray : fc.array(shapedBy(schema.items ?? {}, document, depth + 1), { maxLength: 3 });
        default:
          return depth > 3 ? emptyObject : shapedObject(schema, document, depth);
      }
    }),
  );
}

function shapedObject(schema: Schema, document: OpenApiDocument, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fields = Object.fromEntries(Object.entries(properties).map(([name, inner]) => [name, shapedBy(inner, document, depth + 1)]));
  const known = fc.record(fields, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) });
  const extra =
    typeof schema.additionalProperties === "object"
      ? fc.dictionary(fc.string({ maxLength: 8 }), shapedBy(schema.additionalProperties, document, depth + 1), { maxKeys: 3 })
      : emptyObject;
  return fc.tuple(known, extra).map(([fixed, more]) => ({ ...more, ...fixed }));
}
