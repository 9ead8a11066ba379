/**
 * Metering is a test hook (DESIGN.md): on only when both `SLUICE_TEST_HOOKS` and `SLUICE_METER`
 * are `1`, which neither `npm run dev` nor a deployment sets. Off, every binding, batch and
 * Durable Object is handed on untouched.
 */
export function isMeteringOn(env: { SLUICE_TEST_HOOKS?: string; SLUICE_METER?: string } | undefined): boolean {
  return env?.SLUICE_TEST_HOOKS === "1" && env.SLUICE_METER === "1";
}
