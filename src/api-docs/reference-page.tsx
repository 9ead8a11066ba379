import type { FC } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";

/**
 * The human-readable API reference: a pure function of the OpenAPI document, rendered on the
 * server (JSX escapes every value), with no script and no third-party request.
 */

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  id: string;
  spec: Json;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const MAX_DEPTH = 6;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const asObject = (value: unknown): Json => (isObject(value) ? value : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asText = (value: unknown): string => (typeof value === "string" ? value : "");

/** Operations grouped by their first tag, in the document's tag order. */
export function groupOperations(document: Json): { tag: string; description: string; operations: Operation[] }[] {
  const groups = new Map<string, Operation[]>();
  for (const tag of asArray(document.tags)) groups.set(asText(asObject(tag).name), []);
  for (const [path, item] of Object.entries(asObject(document.paths))) {
    for (const method of METHODS) {
      const spec = asObject(asObject(item)[method]);
      if (Object.keys(spec).length === 0) continue;
      const tag = asText(asArray(spec.tags)[0]) || "Other";
      const list = groups.get(tag) ?? [];
      list.push({ method, path, spec, id: `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-") });
      groups.set(tag, list);
    }
  }
  const descriptions = new Map(asArray(document.tags).map((tag) => [asText(asObject(tag).name), asText(asObject(tag).description)]));
  return [...groups]
    .filter(([, operations]) => operations.length > 0)
    .map(([tag, operations]) => ({ tag, description: descriptions.get(tag) ?? "", operations }));
}

const refName = (ref: string) => ref.replace("#/components/schemas/", "");

/** Text with `backticked` spans shown as code; every piece is still escaped by JSX. */
const Prose: FC<{ text: unknown }> = ({ text }) => (
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

const SchemaView: FC<{ schema: Json; depth?: number }> = ({ schema, depth = 0 }) => {
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

const jsonSchemaOf = (content: unknown): Json | undefined => {
  const entries = Object.entries(asObject(content));
  const [mediaType, media] = entries[0] ?? [];
  return mediaType ? { mediaType, schema: asObject(asObject(media).schema) } : undefined;
};

/** A body or answer: a named schema is shown in place (its fields), with a link to it. */
const PayloadView: FC<{ schema: Json; schemas: Json }> = ({ schema, schemas }) => {
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

const OperationView: FC<{ operation: Operation; schemas: Json }> = ({ operation, schemas }) => {
  const { spec } = operation;
  const parameters = asArray(spec.parameters).map(asObject);
  const body = jsonSchemaOf(asObject(spec.requestBody).content);
  const security = asArray(spec.security).flatMap((entry) => Object.keys(asObject(entry)));
  return (
    <section class="operation" id={operation.id}>
      <h3>
        <span class={`method ${operation.method}`}>{operation.method.toUpperCase()}</span> <code>{operation.path}</code>
      </h3>
      <p class="summary">{asText(spec.summary)}</p>
      {spec.description ? (
        <p>
          <Prose text={spec.description} />
        </p>
      ) : null}
      {security.length > 0 ? <p class="auth">Authentication: {security.join(", ")}</p> : null}
      {parameters.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <table class="fields">
            <tbody>
              {parameters.map((parameter) => (
                <tr>
                  <td>
                    <code>{asText(parameter.name)}</code> <span class="in">{asText(parameter.in)}</span>
                    {parameter.required ? <span class="required">required</span> : null}
                  </td>
                  <td>
                    <SchemaView schema={asObject(parameter.schema)} />
                    {parameter.description ? (
                      <p>
                        <Prose text={parameter.description} />
                      </p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {body ? (
        <>
          <h4>
            Body <span class="media">{asText(body.mediaType)}</span>
          </h4>
          <PayloadView schema={asObject(body.schema)} schemas={schemas} />
        </>
      ) : null}
      <h4>Responses</h4>
      <dl class="responses">
        {Object.entries(asObject(spec.responses)).map(([status, response]) => {
          const answer = jsonSchemaOf(asObject(response).content);
          return (
            <>
              <dt class={`status s${status.slice(0, 1)}`}>{status}</dt>
              <dd>
                <p>
                  <Prose text={asObject(response).description} /> {answer ? <span class="media">{asText(answer.mediaType)}</span> : null}
                </p>
                {answer && status.startsWith("2") ? <PayloadView schema={asObject(answer.schema)} schemas={schemas} /> : null}
              </dd>
            </>
          );
        })}
      </dl>
    </section>
  );
};

/** Typed by what it renders, not as an FC, so that callers (and tests) see the HTML string it gives. */
export const ApiReferencePage = ({
  document,
  stylesheet,
  documentUrl,
}: {
  document: Json;
  stylesheet: string;
  documentUrl: string;
}): HtmlEscapedString | Promise<HtmlEscapedString> => {
  const info = asObject(document.info);
  const groups = groupOperations(document);
  const schemes = asObject(asObject(document.components).securitySchemes);
  const schemas = asObject(asObject(document.components).schemas);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{asText(info.title)}</title>
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <nav aria-label="Operations">
          <p class="brand">{asText(info.title)}</p>
          {groups.map((group) => (
            <>
              <p class="tag">{group.tag}</p>
              <ul>
                {group.operations.map((operation) => (
                  <li>
                    <a href={`#${operation.id}`}>
                      <span class={`method ${operation.method}`}>{operation.method.toUpperCase()}</span> {operation.path.replace("/api/v1", "")}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </nav>
        <main>
          <h1>{asText(info.title)}</h1>
          {asText(info.description)
            .split(/\n\s*\n/)
            .map((paragraph) => (
              <p>
                <Prose text={paragraph.replace(/\n/g, " ")} />
              </p>
            ))}
          <p>
            The machine-readable description: <a href={documentUrl}>{documentUrl}</a> (OpenAPI {asText(document.openapi)}).
          </p>
          <h2>Authentication</h2>
          <dl class="schemes">
            {Object.entries(schemes).map(([name, scheme]) => (
              <>
                <dt>
                  <code>{name}</code> <span class="in">{`${asText(asObject(scheme).type)} ${asText(asObject(scheme).scheme)}`}</span>
                </dt>
                <dd>
                  <Prose text={asObject(scheme).description} />
                </dd>
              </>
            ))}
          </dl>
          {groups.map((group) => (
            <>
              <h2>{group.tag}</h2>
              {group.description ? (
                <p>
                  <Prose text={group.description} />
                </p>
              ) : null}
              {group.operations.map((operation) => (
                <OperationView operation={operation} schemas={schemas} />
              ))}
            </>
          ))}
          <h2>Schemas</h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <section class="schema" id={`schema-${name}`}>
              <h3>{name}</h3>
              {asObject(schema).description ? (
                <p>
                  <Prose text={asObject(schema).description} />
                </p>
              ) : null}
              <SchemaView schema={asObject(schema)} />
            </section>
          ))}
        </main>
      </body>
    </html>
  );
};
