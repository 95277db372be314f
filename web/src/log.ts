/** Where the event log stands. */
import { graphql } from './api.js';
import { LOG_HEAD } from './operations.js';

/**
 * The cursor of the newest event in the log, or null when it is empty. A page reads it before
 * its data and subscribes from it, so that a change committed in between reaches it live.
 */
export async function headCursor(): Promise<string | null> {
  const data = await graphql<{ events: { edges: { cursor: string }[] } }>(LOG_HEAD);
  return data.events.edges[0]?.cursor ?? null;
}
