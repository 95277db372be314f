/**
 * The workflow as the `workflow` query returns it, laid out for the app: the main path a
 * progress bar follows, and a layered drawing of every stage. Pure (test/web/workflow-layout.spec.ts).
 */

export interface Transition {
  action: string;
  from: string[];
  to: string;
  guard?: string | null;
}

export interface Workflow {
  stages: string[];
  transitions: Transition[];
}

/** Each stage's column: the longest forward path to it from the first stage. */
export function columns(workflow: Workflow): Map<string, number> {
  const [first] = workflow.stages;
  const next = new Map<string, string[]>(workflow.stages.map((stage) => [stage, []]));
  for (const { from, to } of workflow.transitions) {
    from.forEach((stage) => next.get(stage)?.push(to));
  }
  // The edges that lead back (RESUME, REOPEN, RENEGOTIATE) are found by a depth-first walk from
  // the first stage; without them the graph has no cycle, and each stage a longest path.
  const back = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const walk = (stage: string) => {
    state.set(stage, 'open');
    for (const to of next.get(stage) ?? []) {
      if (state.get(to) === 'open') {
        back.add(`${stage}>${to}`);
      } else if (!state.has(to)) {
        walk(to);
      }
    }
    state.set(stage, 'done');
  };
  walk(first);
  const column = new Map<string, number>([[first, 0]]);
  const place = (stage: string): number => {
    const known = column.get(stage);
    if (known !== undefined) {
      return known;
    }
    const sources = workflow.stages.filter(
      (source) => next.get(source)?.includes(stage) && !back.has(`${source}>${stage}`),
    );
    const value = sources.length ? Math.max(...sources.map(place)) + 1 : 0;
    column.set(stage, value);
    return value;
  };
  workflow.stages.forEach(place);
  return column;
}

/**
 * The stages a progress bar shows, in order: the longest forward path from the first stage
 * through stages with a way on (NEGOTIATION … IN_FORCE), which leaves out the ends (EXPIRED,
 * TERMINATED, WITHDRAWN) and the side roads (STALLED, REJECTED), whose paths are shorter.
 */
export function mainPath(workflow: Workflow): string[] {
  const column = columns(workflow);
  const goesOn = new Set(workflow.transitions.flatMap(({ from }) => from));
  const forward = (stage: string) =>
    workflow.transitions
      .filter(({ from, to }) => from.includes(stage) && goesOn.has(to))
      .map(({ to }) => to)
      .filter((to) => column.get(to)! > column.get(stage)!);
  const longest = new Map<string, string[]>();
  const from = (stage: string): string[] => {
    let path = longest.get(stage);
    if (!path) {
      const onward = forward(stage)
        .map(from)
        .reduce<string[]>((best, next) => (next.length > best.length ? next : best), []);
      path = [stage, ...onward];
      longest.set(stage, path);
    }
    return path;
  };
  return from(workflow.stages[0]);
}

export interface PlacedStage {
  stage: string;
  column: number;
  row: number;
}

/**
 * Every stage in its column, the main path on row 0 and the others below it; a stage that many
 * stages lead to (WITHDRAWN) on a row of its own at the bottom, its arrows gathered on one line.
 */
export function placeStages(workflow: Workflow): PlacedStage[] {
  const column = columns(workflow);
  const path = new Set(mainPath(workflow));
  const collectors = new Set(collectorsOf(workflow, column));
  const rows = new Map<number, number>();
  const ordered = [
    ...workflow.stages.filter((stage) => path.has(stage)),
    ...workflow.stages.filter((stage) => !path.has(stage) && !collectors.has(stage)),
  ];
  const placed = ordered.map((stage) => {
    const at = column.get(stage)!;
    const row = rows.get(at) ?? 0;
    rows.set(at, row + 1);
    return { stage, column: at, row };
  });
  const bottom = Math.max(0, ...placed.map(({ row }) => row)) + 1;
  return [
    ...placed,
    ...[...collectors].map((stage, i) => ({ stage, column: column.get(stage)!, row: bottom + i })),
  ];
}

/** Stages reached forward from at least three others. */
function collectorsOf(workflow: Workflow, column: Map<string, number>): string[] {
  return workflow.stages.filter((stage) => {
    const sources = new Set(
      workflow.transitions
        .filter(({ to }) => to === stage)
        .flatMap(({ from }) => from)
        .filter((from) => column.get(from)! < column.get(stage)!),
    );
    return sources.size >= 3;
  });
}

export const BOX = { width: 150, height: 34 };
const GAP = { x: 46, y: 34 };
/** Room above the first row for the arrows that lead back. */
const TOP = 14 + 3 * 8;
const SIDE = 12;

export interface Drawing {
  width: number;
  height: number;
  boxes: { stage: string; x: number; y: number }[];
  edges: { from: string; to: string; action: string; path: string }[];
}

/**
 * The diagram's geometry: boxes, and arrows drawn so that none crosses a box. An arrow to the
 * next column is a curve; one that skips columns runs in the lane under its row; one to a
 * gathering stage drops in the gap after its box to that stage's line; one that leads back
 * rises in the gap before its box to a lane above the first row.
 */
export function drawing(workflow: Workflow): Drawing {
  const placed = placeStages(workflow);
  const box = new Map(
    placed.map((p) => [
      p.stage,
      { ...p, x: SIDE + p.column * (BOX.width + GAP.x), y: TOP + p.row * (BOX.height + GAP.y) },
    ]),
  );
  const collectors = new Set(collectorsOf(workflow, columns(workflow)));
  let back = 0;
  const edges = workflow.transitions.flatMap(({ action, from, to }) =>
    from.map((source) => {
      const a = box.get(source)!;
      const b = box.get(to)!;
      const middle = (p: { y: number }) => p.y + BOX.height / 2;
      const right = a.x + BOX.width;
      let path: string;
      if (b.column > a.column && collectors.has(to)) {
        const drop = right + 8 + a.row * 6;
        path = `M ${right} ${middle(a)} H ${drop} V ${middle(b)} H ${b.x}`;
      } else if (b.column === a.column + 1) {
        const bend = GAP.x / 2;
        path = `M ${right} ${middle(a)} C ${right + bend} ${middle(a)}, ${b.x - bend} ${middle(b)}, ${b.x} ${middle(b)}`;
      } else if (b.column > a.column) {
        const lane = Math.min(a.y, b.y) + BOX.height + GAP.y / 2;
        path = `M ${right} ${middle(a)} H ${right + 10} V ${lane} H ${b.x - 10} V ${middle(b)} H ${b.x}`;
      } else {
        const lane = TOP - 10 - (back % 3) * 8;
        const rise = a.x - 8 - (back % 3) * 6;
        const land = b.x + BOX.width / 2 - 20 + (back % 3) * 20;
        back += 1;
        path = `M ${a.x} ${middle(a)} H ${rise} V ${lane} H ${land} V ${b.y}`;
      }
      return { from: source, to, action, path };
    }),
  );
  const columnsUsed = Math.max(...placed.map((p) => p.column)) + 1;
  const rowsUsed = Math.max(...placed.map((p) => p.row)) + 1;
  return {
    width: SIDE * 2 + columnsUsed * (BOX.width + GAP.x) - GAP.x,
    height: TOP + rowsUsed * (BOX.height + GAP.y) - GAP.y + SIDE,
    boxes: [...box.values()].map(({ stage, x, y }) => ({ stage, x, y })),
    edges,
  };
}
