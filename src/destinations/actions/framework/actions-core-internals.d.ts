// A module of @segment/actions-core its package exports do not list; scripts/build-actions.mjs
// resolves it to the framework's own file.
declare module "@segment/actions-core/dist/cjs/arrify" {
  export function arrifyFields(obj: unknown, schema?: unknown): unknown;
}
