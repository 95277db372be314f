import { FINAL_STAGES, STAGES } from './stages.js';
import { TRANSITIONS } from './transitions.js';

/**
 * The stage table as a Mermaid `stateDiagram-v2`, as the README shows it (a test keeps the README
 * in step with the table). Guarded transitions carry a `*`.
 */
export function workflowDiagram(): string {
  const lines = ['stateDiagram-v2', `    [*] --> ${STAGES[0]}`];
  for (const row of TRANSITIONS) {
    for (const from of row.from) {
      lines.push(`    ${from} --> ${row.to}: ${row.action}${row.guard ? ' *' : ''}`);
    }
  }
  for (const stage of FINAL_STAGES) {
    lines.push(`    ${stage} --> [*]`);
  }
  return lines.join('\n');
}
