/** Where the event log stands. */
import { graphql } from './api.js';

/**
 * The cursor of the newest event in the log, or null when it is empty. A page reads it before
 * its data and subscribes from it, so that a change committed in between reaches it live.
 */
export async function headCursor(): Promise<string | null> {
  const data = await graphql<{ events: { edges: { cursor: string }[] } }>(`
    query LogHead {
      events(last: 1) {
        edges {
          cursor
        }
      }
    }
  `);
  return data.events.edges[0]?.cursor ?? null;
}
