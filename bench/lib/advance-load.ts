import type { Child } from './processes.js';
import { ADMIN_TOKEN, sleep } from './processes.js';
import { load, type LoadResult } from './load.js';

const ADVANCE = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { id stage version } }`;

/**
 * advanceAgreement STALL/RESUME cycles against `server` from 16 connections over the agreements
 * `ids` (all in NEGOTIATION at first), never two requests at once on one agreement. The load
 * remembers, across its runs, which agreements are free and in which stage. A request still in
 * flight when a run ends never reports back: once the server is done with it, its agreement
 * goes back to the pool in the stage `stageOf` reads from the server's database.
 */
export function advanceLoad(
  server: Child,
  ids: readonly string[],
  stageOf: (id: string) => string | Promise<string>,
): (seconds: number) => Promise<LoadResult> {
  const free = ids.map((id) => ({ id, stage: 'NEGOTIATION' }));
  const busy = new Set<(typeof free)[number]>();
  return async (seconds) => {
    const result = await load({
      url: server.graphqlUrl,
      connections: 16,
      seconds,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: () => {
        const agreement = free.shift()!;
        busy.add(agreement);
        const action = agreement.stage === 'NEGOTIATION' ? 'STALL' : 'RESUME';
        return {
          body: JSON.stringify({ query: ADVANCE, variables: { id: agreement.id, action } }),
          done: (ok) => {
            if (ok) agreement.stage = action === 'STALL' ? 'STALLED' : 'NEGOTIATION';
            busy.delete(agreement);
            free.push(agreement);
          },
        };
      },
    });
    await sleep(250);
    for (const agreement of busy) {
      agreement.stage = await stageOf(agreement.id);
      free.push(agreement);
    }
    busy.clear();
    return result;
  };
}
