import { bound } from "./metered-d1";
import type { Meter } from "./meter";

/**
 * A Durable Object namespace whose stubs count each call: every RPC method call (and `fetch`) on
 * a stub is one billed request (https://developers.cloudflare.com/durable-objects/platform/pricing/).
 * `wallMs` sums each call's round trip as the caller sees it: an upper bound of the time the
 * object was active for it, since requests to one object overlap and are billed once.
 */
export function meteredNamespace(group: string, namespace: DurableObjectNamespace, meter: Meter): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, property) {
      if (property === "get" || property === "getByName") {
        return (...args: unknown[]) => meteredStub((bound(target, property) as (...args: unknown[]) => DurableObjectStub)(...args), group, meter);
      }
      if (property === "jurisdiction") {
        return (jurisdiction: DurableObjectJurisdiction) => meteredNamespace(group, target.jurisdiction(jurisdiction), meter);
      }
      return bound(target, property);
    },
  });
}

function meteredStub(stub: DurableObjectStub, group: string, meter: Meter): DurableObjectStub {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      // A stub answers every name with a callable; `then` must stay what it is (not a thenable).
      if (typeof property !== "string" || property === "then" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const started = Date.now();
        const result: unknown = Reflect.apply(value as (...args: unknown[]) => unknown, target, args);
        const done = () => meter.count(group, { requests: 1, wallMs: Date.now() - started });
        // The call's own promise goes back untouched (its pipelining too); this branch only times it.
        Promise.resolve(result).then(done, done);
        return result;
      };
    },
  });
}
