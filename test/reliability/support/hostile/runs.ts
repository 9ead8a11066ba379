import type fc from "fast-check";

/**
 * fast-check options for a property of `numRuns` cases. A failure prints its seed and path; to
 * replay it, run the file again with FC_SEED=<seed> and FC_PATH=<path>. No shrinking: each case
 * is a request to a live server, and shrinking one failure can take hundreds of them.
 */
export function fcOptions(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns,
    endOnFailure: true,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
