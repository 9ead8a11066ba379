import type { Meter } from "./meter";
import { meteredD1 } from "./metered-d1";
import { meteredNamespace } from "./metered-namespace";
import { meteredQueue } from "./metered-queue";
import { meteredR2 } from "./metered-r2";

export type BindingKind = "d1" | "r2" | "queue" | "do";

const hasMethods = (value: object, names: string[]) => names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

/**
 * What a binding is, by its methods. Service bindings and other fetchers answer any property with
 * an RPC method, so anything with `fetch` is left alone first.
 */
export function bindingKind(value: unknown): BindingKind | undefined {
  if (typeof value !== "object" || value === null || hasMethods(value, ["fetch"])) return undefined;
  if (hasMethods(value, ["idFromName", "get"])) return "do";
  if (hasMethods(value, ["prepare", "batch"])) return "d1";
  if (hasMethods(value, ["sendBatch", "send"])) return "queue";
  if (hasMethods(value, ["put", "get", "head", "list", "delete"])) return "r2";
  return undefined;
}

/** A copy of `env` whose bindings count what they are asked to do (groups named `<kind>:<binding>`). */
export function meteredEnv<E extends object>(env: E, meter: Meter): E {
  const metered: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(env)) {
    const kind = bindingKind(binding);
    const group = `${kind}:${name}`;
    if (kind === "d1") metered[name] = meteredD1(group, binding as D1Database, meter);
    else if (kind === "r2") metered[name] = meteredR2(group, binding as R2Bucket, meter);
    else if (kind === "queue") metered[name] = meteredQueue(group, binding as Queue, meter);
    else if (kind === "do") metered[name] = meteredNamespace(group, binding as DurableObjectNamespace, meter);
    else metered[name] = binding;
  }
  return metered as E;
}
