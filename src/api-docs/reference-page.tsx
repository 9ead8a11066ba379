import type { FC } from "hono/jsx";
import { asArray, asObject, asText, PayloadView, Prose, SchemaView, type Json } from "./schema-view";
import type { HtmlEscapedString } from "hono/utils/html";

/**
 * The human-readable API reference: a pure function of the OpenAPI document, rendered on the
 * server (JSX escapes every value), with no script and no third-party request.
 */

interface Operation {
  method: string;
  path: string;
  id: string;
  spec: Json;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

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

const jsonSchemaOf = (content: unknown): Json | undefined => {
  const entries = Object.entries(asObject(content));
  const [mediaType, media] = entries[0] ?? [];
  return mediaType ? { mediaType, schema: asObject(asObject(media).schema) } : undefined;
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
        {/* Past the long list of operations, straight to the reference (WCAG 2.4.1). */}
        <a class="skip" href="#reference">
          Skip to the reference
        </a>
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
        <main id="reference" tabindex={-1}>
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
