import type { CallOptions, Callback, Dict } from "./types";

/** Segment's calling conventions: optional leading strings, then objects, then a callback. */
const isString = (v: unknown): v is string => typeof v === "string";
const isFunction = (v: unknown): v is Callback => typeof v === "function";
export const isObject = (v: unknown): v is Dict => !!v && typeof v === "object" && !Array.isArray(v);

export interface PageArguments {
  category: string | null;
  name: string | null;
  properties: Dict;
  options: CallOptions;
  callback?: Callback;
}

/**
 * `page([category], [name], [properties], [options], [callback])` as analytics-next resolves it:
 * two strings are category and name, one string is the name.
 */
export function resolvePageArguments(args: unknown[]): PageArguments {
  const strings = args.filter(isString);
  const [category = null, name = null] = strings.length >= 2 ? strings : [null, strings[0]];
  const objects = args.filter(isObject);
  return { category, name, properties: objects[0] || {}, options: objects[1] || {}, callback: args.find(isFunction) };
}

export interface IdArguments {
  id: string | null | undefined;
  traits: Dict;
  options: CallOptions;
  callback?: Callback;
}

/**
 * `identify([userId], [traits], [options], [callback])` and `group(...)`: a leading object means
 * the id was left out (traits only), so the stored id stands.
 */
export function resolveIdArguments(args: unknown[]): IdArguments {
  const first = args[0];
  const hasId = isString(first) || typeof first === "number" || first === null;
  const rest = hasId ? args.slice(1) : args;
  const objects = rest.filter(isObject);
  return {
    id: hasId ? (first === null ? null : String(first)) : undefined,
    traits: objects[0] || {},
    options: objects[1] || {},
    callback: args.find(isFunction),
  };
}

/** `track(event, [properties], [options], [callback])`. */
export function resolveTrackArguments(args: unknown[]) {
  const objects = args.filter(isObject);
  return { event: args[0], properties: objects[0] || {}, options: objects[1] || {}, callback: args.find(isFunction) };
}

/** `alias(userId, [previousId], [options], [callback])`; `previousId` left out means the current visitor. */
export function resolveAliasArguments(args: unknown[]) {
  return { userId: String(args[0]), previousId: isString(args[1]) ? args[1] : undefined, options: args.find(isObject) || {}, callback: args.find(isFunction) };
}
