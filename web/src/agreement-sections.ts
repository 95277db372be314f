/**
 * The parts of an agreement's page drawn from its data alone: what the API returns of it, its
 * relations, the workflow's progress, entry into force.
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import type { PartyRow } from './csv.js';
import { describeRule, label, legalDate, type LoggedEvent, type ProcedureStep } from './format.js';
import { stageBadge } from './view.js';
import { mainPath, type Workflow } from './workflow-layout.js';

/** A party as the page reads it: the table's columns, and what may be recorded for it now. */
export interface Party extends PartyRow {
  approvalUpdatedAt: string | null;
  availableActions: string[];
  availableApprovalSteps: string[];
  /** Its newest recorded steps (PROCEDURE_STEPS at most), oldest first. */
  procedure: ProcedureStep[];
}

export interface Agreement {
  id: string;
  title: string;
  shortTitle: string | null;
  summary: string | null;
  kind: string;
  stage: string;
  stageEnteredAt: string;
  signedAt: string | null;
  expiresAt: string | null;
  version: number;
  availableActions: string[];
  predecessor: { id: string; title: string; shortTitle: string | null; stage: string } | null;
  successor: { id: string; title: string; shortTitle: string | null; stage: string } | null;
  entryIntoForce: {
    rule: {
      kind: string;
      instruments: number | null;
      share: number | null;
      requiredParties: string[] | null;
      daysAfter: number | null;
      monthStart: boolean | null;
      date: string | null;
    };
    consents: number;
    share: number | null;
    missingParties: string[];
    conditionMetAt: string | null;
    date: string | null;
  };
  scheduled: { kind: string; partyCode: string | null; at: string }[];
  parties: Party[];
}

export function relations(agreement: Agreement): TemplateResult | typeof nothing {
  const link = (other: Agreement['predecessor'], what: string) =>
    other
      ? html`<li>
          ${what}: <a href="/app/agreements/${other.id}">${other.shortTitle ?? other.title}</a>
          ${stageBadge(other.stage)}
        </li>`
      : nothing;
  return agreement.predecessor || agreement.successor
    ? html`<ul class="relations">
        ${link(agreement.predecessor, 'Follows')} ${link(agreement.successor, 'Followed by')}
      </ul>`
    : nothing;
}

/** The main path of the workflow, with the stages passed, the current one, and the rest. */
export function progress(
  agreement: Agreement,
  workflow: Workflow | null,
  timeline: readonly LoggedEvent[],
): TemplateResult | typeof nothing {
  if (!workflow) {
    return nothing;
  }
  const path = mainPath(workflow);
  const reached = new Set(timeline.map((event) => event.toStage).filter(Boolean));
  const at = path.indexOf(agreement.stage);
  // Off the path (stalled, rejected, withdrawn, expired…): as far as it had come.
  const furthest =
    at >= 0 ? at : Math.max(-1, ...path.map((stage, i) => (reached.has(stage) ? i : -1)));
  return html`<section aria-labelledby="progress-heading">
    <h2 id="progress-heading">Progress</h2>
    <ol class="progress">
      ${path.map(
        (stage, i) =>
          html`<li
            class=${i < furthest ? 'done' : i === furthest ? (at >= 0 ? 'current' : 'done') : 'todo'}
            aria-current=${i === at ? 'step' : 'false'}
          >
            ${label(stage)}
          </li>`,
      )}
    </ol>
    ${at < 0 ? html`<p class="off-path">Now ${stageBadge(agreement.stage)}</p>` : nothing}
  </section>`;
}

export function entryIntoForce(agreement: Agreement): TemplateResult {
  const { rule, consents, share, missingParties, conditionMetAt, date } = agreement.entryIntoForce;
  const inForce = agreement.stage === 'IN_FORCE';
  const needed =
    rule.kind === 'THRESHOLD'
      ? (rule.instruments ?? 0)
      : rule.kind === 'ALL_PARTIES'
        ? agreement.parties.length
        : 0;
  return html`<section aria-labelledby="eif-heading">
    <h2 id="eif-heading">Entry into force</h2>
    <p>${describeRule(rule)}</p>
    ${
      needed
        ? html`<p class="meter">
            <label for="consents">${consents} of ${needed} consents</label>
            <progress id="consents" max=${needed} .value=${Math.min(consents, needed)}></progress>
          </p>`
        : nothing
    }
    ${
      rule.share != null && share != null
        ? html`<p>Weight of the consenting parties: ${share}% of the ${rule.share}% needed.</p>`
        : nothing
    }
    ${
      missingParties.length && !conditionMetAt
        ? html`<p>Still to consent: ${missingParties.join(', ')}.</p>`
        : nothing
    }
    ${conditionMetAt ? html`<p>Condition met on ${legalDate(conditionMetAt)}.</p>` : nothing}
    ${
      date
        ? html`<p class="eif-date">
            ${inForce ? 'In force since' : 'Enters into force on'} ${legalDate(date)}.
          </p>`
        : nothing
    }
    ${
      agreement.scheduled.length
        ? html`<ul class="scheduled">
            ${agreement.scheduled.map(
              (move) =>
                html`<li>
                  ${legalDate(move.at)}:
                  ${label(move.kind)}${move.partyCode ? ` (${move.partyCode})` : ''}
                </li>`,
            )}
          </ul>`
        : nothing
    }
  </section>`;
}
