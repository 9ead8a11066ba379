import type { AppEnv } from "../env";
import { isMeteringOn } from "./flag";
import { Meter } from "./meter";
import { meteredBatch } from "./metered-batch";
import { meteredEnv } from "./metered-env";
import { meterObjectStorage } from "./metered-storage";
import { routeGroup } from "./route-group";

/**
 * The metering test hook at the Worker's entry points (workers/index.ts): each wraps one handler
 * or Durable Object class and, with metering off (isMeteringOn), hands everything on untouched.
 * On, each invocation counts one Worker request and what its bindings were asked to do, and prints
 * it as a `sluice-meter` line.
 */

type FetchHandler = (request: Request, env: AppEnv, ctx?: ExecutionContext) => Response | Promise<Response>;
type QueueHandler = (batch: MessageBatch, env: AppEnv, ctx?: ExecutionContext) => Promise<void>;

export function meteredFetch(handler: FetchHandler): FetchHandler {
  return async (request, env, ctx) => {
    if (!isMeteringOn(env)) return handler(request, env, ctx);
    const meter = new Meter(`fetch:${routeGroup(new URL(request.url).pathname)}`);
    meter.count("worker", { requests: 1 });
    try {
      return await handler(request, meteredEnv(env, meter), ctx);
    } finally {
      meter.close();
    }
  };
}

export function meteredQueueHandler(handler: QueueHandler): QueueHandler {
  return async (batch, env, ctx) => {
    if (!isMeteringOn(env)) return handler(batch, env, ctx);
    const meter = new Meter(`queue:${batch.queue}`);
    meter.count("worker", { requests: 1 });
    const delivered = meteredBatch(batch, meter);
    let succeeded = false;
    try {
      await handler(delivered.batch, meteredEnv(env, meter), ctx);
      succeeded = true;
    } finally {
      delivered.settle(succeeded);
      meter.close();
    }
  };
}

type ObjectClass<T> = new (ctx: DurableObjectState, env: AppEnv) => T;

/** Durable Objects whose metering is on, so their alarm can count itself. */
const objectMeters = new WeakMap<object, Meter>();

/**
 * A Durable Object class that, with metering on, counts its own SQLite rows, what it asks of its
 * bindings (it is given a metered `env`) and its alarm invocations (each a billed request). Calls
 * to it are counted by its callers' metered namespaces.
 */
export function meteredObject<T extends object>(Base: ObjectClass<T>, className: string): ObjectClass<T> {
  const Parent = Base as unknown as ObjectClass<object>;
  class Metered extends Parent {
    constructor(ctx: DurableObjectState, env: AppEnv) {
      const meter = isMeteringOn(env) ? meterObjectStorage(ctx, className) : undefined;
      super(ctx, meter ? meteredEnv(env, meter) : env);
      if (meter) objectMeters.set(this, meter);
    }
  }
  const alarm = (Base.prototype as { alarm?: (...args: unknown[]) => unknown }).alarm;
  if (typeof alarm === "function") {
    Object.defineProperty(Metered.prototype, "alarm", {
      value: function (this: object, ...args: unknown[]) {
        objectMeters.get(this)?.count("alarm", { invocations: 1 });
        return alarm.apply(this, args);
      },
      writable: true,
      configurable: true,
    });
  }
  return Metered as unknown as ObjectClass<T>;
}
