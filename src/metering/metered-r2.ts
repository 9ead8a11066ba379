import { bound } from "./metered-d1";
import type { Meter } from "./meter";

/**
 * R2 operation classes as billed (https://developers.cloudflare.com/r2/pricing/): writes and
 * lists are Class A, reads and heads Class B, deletes free.
 */
const CLASS_OF: Record<string, "classA" | "classB" | "free"> = {
  put: "classA",
  list: "classA",
  createMultipartUpload: "classA",
  get: "classB",
  head: "classB",
  delete: "free",
};

/** An R2 bucket counting its operations by class, and the bytes it was given to store. */
export function meteredR2(group: string, bucket: R2Bucket, meter: Meter): R2Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      const operationClass = typeof property === "string" ? CLASS_OF[property] : undefined;
      const method = bound(target, property);
      if (!operationClass || typeof method !== "function") return method;
      return async (...args: unknown[]) => {
        const result = await (method as (...args: unknown[]) => Promise<unknown>)(...args);
        const bytes = property === "put" ? ((result as R2Object | null)?.size ?? 0) : 0;
        meter.count(group, { [operationClass]: 1, ...(bytes > 0 ? { bytesPut: bytes } : {}) });
        return result;
      };
    },
  });
}
