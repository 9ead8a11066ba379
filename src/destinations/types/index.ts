import type { DestinationType } from "../destination-type";
import { segmentDestination } from "./segment";
import { webhookDestination } from "./webhook";

/** Every destination type by name; adding one is a module here and a line below. */
export const DESTINATION_TYPES: Readonly<Record<string, DestinationType<unknown>>> = {
  webhook: webhookDestination as DestinationType<unknown>,
  segment: segmentDestination as DestinationType<unknown>,
};
