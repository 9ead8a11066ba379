/**
 * Segment's Tracking API limits (docs: "HTTP Tracking API > Max request size"): 32 KB per event,
 * 500 KB and 2,500 events per batch, messageId at most 100 characters.
 */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_EVENTS = 2500;
export const MAX_MESSAGE_ID_LENGTH = 100;
