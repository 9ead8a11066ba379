/** The six Segment Spec calls and the route aliases the Tracking API accepts for them. */
export const EVENT_TYPES = ["identify", "track", "page", "screen", "group", "alias"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const SHORT_ROUTE_TYPES: Record<string, EventType> = {
  i: "identify",
  t: "track",
  p: "page",
  s: "screen",
  g: "group",
  a: "alias",
};

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Every route segment of a call (`track`, and its short form `t` as analytics-next uses) with its type. */
export const CALL_ROUTES: readonly (readonly [segment: string, type: EventType])[] = [
  ...EVENT_TYPES.map((type) => [type, type] as const),
  ...Object.entries(SHORT_ROUTE_TYPES),
];
