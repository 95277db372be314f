import { describe, expect, it } from '@jest/globals';
import { TRANSITIONS } from '../../src/workflow/transitions.js';
import { STAGES } from '../../src/workflow/stages.js';
import { columns, drawing, mainPath, placeStages } from '../../web/src/workflow-layout.js';

/** The workflow as the `workflow` query serves it, from the server's own table. */
const workflow = {
  stages: [...STAGES],
  transitions: TRANSITIONS.map((t) => ({ action: String(t.action), from: [...t.from], to: t.to })),
};

describe('the web app’s layout of the workflow', () => {
  it('follows the main path from negotiation to entry into force', () => {
    expect(mainPath(workflow)).toEqual([
      'NEGOTIATION',
      'AGREEMENT_IN_PRINCIPLE',
      'SIGNED',
      'PARLIAMENTARY_REVIEW',
      'RATIFIED',
      'IN_FORCE',
    ]);
  });

  it('puts every stage after the stages that lead to it, whatever leads back', () => {
    const column = columns(workflow);
    for (const { from, to } of workflow.transitions) {
      for (const source of from) {
        const back = ['RESUME', 'REOPEN', 'RENEGOTIATE'].some((action) =>
          workflow.transitions.some(
            (t) => t.action === action && t.to === to && t.from.includes(source),
          ),
        );
        if (!back) {
          expect([source, column.get(source)! < column.get(to)!]).toEqual([source, true]);
        }
      }
    }
  });

  it('gives each stage its own place, and draws an arrow for each transition', () => {
    const placed = placeStages(workflow);
    expect(placed.map((p) => p.stage).sort()).toEqual([...STAGES].sort());
    expect(new Set(placed.map((p) => `${p.column}/${p.row}`)).size).toBe(STAGES.length);
    const { edges, width, height } = drawing(workflow);
    expect(edges).toHaveLength(workflow.transitions.reduce((n, t) => n + t.from.length, 0));
    for (const { path } of edges) {
      const numbers = path.match(/-?\d+(\.\d+)?/g)!.map(Number);
      expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(Math.max(width, height));
    }
  });

  it('lays out any workflow it is given, a small one too', () => {
    const small = {
      stages: ['A', 'B', 'C'],
      transitions: [
        { action: 'GO', from: ['A'], to: 'B' },
        { action: 'BACK', from: ['B'], to: 'A' },
        { action: 'END', from: ['B'], to: 'C' },
      ],
    };
    expect(mainPath(small)).toEqual(['A', 'B']);
    expect(drawing(small).boxes).toHaveLength(3);
  });
});
