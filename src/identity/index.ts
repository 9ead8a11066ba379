// Identity resolution: pure rules (extraction, blocked values, limits, priority, matching,
// traits, ids). The Durable Object in workers/ does the I/O and calls these.
export * from "./identifier";
export * from "./violations";
export * from "./system-limits";
export * from "./identity-config";
export * from "./priority";
export * from "./limits";
export * from "./blocked-values";
export * from "./extract-identifiers";
export * from "./resolve";
export * from "./apply-plan";
export * from "./traits";
export * from "./profile-id";
