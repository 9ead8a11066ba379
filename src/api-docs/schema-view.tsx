import type { FC } from "hono/jsx";

/**
 * JSON Schema (as the OpenAPI document holds it) shown as nested tables of fields: pure JSX of
 * the schema, every value escaped by JSX; `$ref`s become links to the schema's own section.
 */

export type Json = Record<string, unknown>;

const MAX_DEPTH = 6;

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const asObject = (value: unknown): Json => (isObject(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asText = (value: unknown): string => (typeof value === "string" ? value : "");

const refName = (ref: string) => ref.replace("#/components/schemas/", "");

/** Text with `backticked` spans shown as code; every piece is still escaped by JSX. */
export const Prose: FC<{ text: unknown }> = ({ text }) => (
  <>
    {asText(text)
      .split("`")
      .map((piece, index) => (index % 2 === 1 ? <code>{piece}</code> : piece))}
  </>
);

/** A one-line type: `string`, `integer ≥ 1`, `array of Source`, `"a" | "b"`. */
function typeLabel(schema: Json): string {
  if (typeof schema.$ref === "string") return refName(schema.$ref);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : asText(schema.type);
  if (type === "array") return `array of ${typeLabel(asObject(schema.items))}`;
  const variants = asArray(schema.anyOf ?? schema.oneOf);
  if (variants.length > 0) return variants.map((variant) => typeLabel(asObject(variant))).join(" | ");
  const bounds = [
    typeof schema.minimum === "number" ? `≥ ${schema.minimum}` : "",
    typeof schema.maximum === "number" ? `≤ ${schema.maximum}` : "",
    schema.format ? asText(schema.format) : "",
  ].filter(Boolean);
  return [type || "any", ...bounds].join(" ");
}

export const SchemaView: FC<{ schema: Json; depth?: number }> = ({ schema, depth = 0 }) => {
  if (typeof schema.$ref === "string") {
    const name = refName(schema.$ref);
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  const items = asObject(schema.items);
  if (schema.type === "array" && isObject(schema.items)) {
    return (
      <span>
        array of <SchemaView schema={items} depth={depth + 1} />
      </span>
    );
  }
  const properties = asObject(schema.properties);
  const names = Object.keys(properties);
  const variants = asArray(schema.anyOf ?? schema.oneOf).map(asObject);
  if (variants.length > 0 && depth < MAX_DEPTH) {
    return (
      <span>
        one of
        <ul class="variants">
          {variants.map((variant) => (
            <li>
              <SchemaView schema={variant} depth={depth + 1} />
            </li>
          ))}
        </ul>
      </span>
    );
  }
  if (names.length === 0 || depth >= MAX_DEPTH) return <code>{typeLabel(schema)}</code>;
  const required = new Set(asArray(schema.required).map(asText));
  return (
    <table class="fields">
      <tbody>
        {names.map((name) => {
          const property = asObject(properties[name]);
          return (
            <tr>
              <td>
                <code>{name}</code>
                {required.has(name) ? <span class="required">required</span> : null}
              </td>
              <td>
                <SchemaView schema={property} depth={depth + 1} />
                {property.description ? (
                  <p>
                    <Prose text={property.description} />
                  </p>
                ) : null}
                {property.default !== undefined ? <p class="default">default {JSON.stringify(property.default)}</p> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

/** A body or answer: a named schema is shown in place (its fields), with a link to it. */
export const PayloadView: FC<{ schema: Json; schemas: Json }> = ({ schema, schemas }) => {
  if (typeof schema.$ref !== "string") return <SchemaView schema={schema} />;
  const name = refName(schema.$ref);
  return (
    <>
      <p class="media">
        <a href={`#schema-${name}`}>{name}</a>
      </p>
      <SchemaView schema={asObject(schemas[name])} depth={1} />
    </>
  );
};
