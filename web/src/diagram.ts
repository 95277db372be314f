/** The workflow drawn as SVG from the `workflow` query, the current stage marked. */
import { html, svg, type TemplateResult } from 'lit-html';
import { label } from './format.js';
import { BOX, drawing, type Workflow } from './workflow-layout.js';

export function workflowDiagram(workflow: Workflow, current: string): TemplateResult {
  const { width, height, boxes, edges } = drawing(workflow);
  return html`<figure class="diagram">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="diagram-title">
      <title id="diagram-title">
        The workflow: ${workflow.stages.length} stages; the agreement is at ${label(current)}.
      </title>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"></path>
        </marker>
      </defs>
      ${edges.map(
        ({ from, to, action, path }) =>
          svg`<path class="edge" d=${path} marker-end="url(#arrow)"><title>${label(action)}: ${label(from)} → ${label(to)}</title></path>`,
      )}
      ${boxes.map(({ stage, x, y }) => {
        const here = stage === current;
        return svg`<g class=${here ? 'stage current' : 'stage'}>
          <rect x=${x} y=${y} width=${BOX.width} height=${BOX.height} rx="6"></rect>
          <text x=${x + BOX.width / 2} y=${y + BOX.height / 2} dominant-baseline="middle" text-anchor="middle">${label(stage)}</text>
        </g>`;
      })}
    </svg>
    <figcaption>
      Every stage and the actions between them (hover an arrow for its action); the current stage is
      filled.
    </figcaption>
  </figure>`;
}
