/**
 * An R2 bucket that behaves as `bucket` except for the methods given, which get the real bucket's
 * method to call on: for tests that count reads, race a write or crash partway.
 */
export function interceptBucket(
  bucket: R2Bucket,
  overrides: {
    get?: (real: R2Bucket["get"], ...args: Parameters<R2Bucket["get"]>) => ReturnType<R2Bucket["get"]>;
    put?: (real: R2Bucket["put"], ...args: Parameters<R2Bucket["put"]>) => ReturnType<R2Bucket["put"]>;
  },
): R2Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== "function") return value;
      const real = (value as (...args: unknown[]) => unknown).bind(target);
      if (property === "get" && overrides.get) return (...args: Parameters<R2Bucket["get"]>) => overrides.get!(real as R2Bucket["get"], ...args);
      if (property === "put" && overrides.put) return (...args: Parameters<R2Bucket["put"]>) => overrides.put!(real as R2Bucket["put"], ...args);
      return real;
    },
  });
}
