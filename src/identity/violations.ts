/**
 * What Profiles Insights reports when an event does not fully comply with the identity rules.
 * Names are Segment's (docs: "Profiles Insights > Violations" and "> Errors"), except
 * `Identify trait limit exceeded`: Segment rejects such identify calls (docs: "Unify Limits >
 * Identity: Engage rejects Identify events with 300 or more traits") without naming a violation.
 */
export const VIOLATION_REASONS = [
  /**
   * "A lower priority identifier wasn't added to the associated profile(s) because the maximum
   * number of values for the identifier type exceeds the limit."
   */
  "Identifier value limit exceeded",
  /** "... because there's a limit to how many identifier type values can be added in a period of time." */
  "Identifier value time limit exceeded",
  /** "The identifier wasn't added to a profile because it's a blocked value." */
  "ID value blocked",
  /** "The profile exceeds the system imposed merge limit. Segment's default limit is 100." */
  "Profile merge limit exceeded",
  /** "The profile exceeds the system imposed mapping limit. Segment's default limit is 1,000." */
  "Identifier mapping limit exceeded",
  /** Error: "The event didn't have any identifier types that matched your ID Resolution Settings." */
  "No matching identifiers on event",
  "Identify trait limit exceeded",
] as const;

export type ViolationReason = (typeof VIOLATION_REASONS)[number];

export interface Violation {
  reason: ViolationReason;
  /** The identifier the violation is about; absent for event-level ones. */
  type?: string;
  value?: string;
  /** What happened and what to do about it, for the admin API. */
  message: string;
}

/** A violation as recorded: which event it came from, so a redelivered event counts once. */
export type EventViolation = Violation & { messageId: string };
