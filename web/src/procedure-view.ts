/**
 * Each party's domestic procedure (docs/design.md §9): its bodies in order with the one that
 * holds it now, and its recorded steps, dated, with the body, what it did, the tally or the
 * referendum's figures, the note and the source; grouped by attempt once there is a second.
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { Agreement, Party } from './agreement-sections.js';
import { describeStep, label, legalDate, type ProcedureStep } from './format.js';
import { PROCEDURE_STEPS } from './operations.js';
import { bodyStates } from './procedure.js';
import { sourceLink } from './view.js';

/** The party's bodies in order, the one holding it now marked in words, not by colour alone. */
export function bodiesList(party: Party): TemplateResult | typeof nothing {
  const states = bodyStates(party);
  if (!states.length) {
    return nothing;
  }
  const mark = (text: string) => html`<span class="state">${text}</span>`;
  const now = mark(`now: ${label(party.approvalStatus).toLowerCase()}`);
  return html`<ol class="bodies" aria-label="Bodies, in the order they act">
    ${states.map(({ body, state }) =>
      state === 'current'
        ? html`<li class="current" aria-current="step">${body} ${now}</li>`
        : state === 'approved'
          ? html`<li class="approved">${body} ${mark('approved')}</li>`
          : html`<li class="later">${body}</li>`,
    )}
  </ol>`;
}

export interface ProcedureOptions {
  /** The steps that arrived live, by the sequence of their event: highlighted. */
  fresh: ReadonlySet<number>;
  /** Where every step is listed, when the page shows only the newest; null: below. */
  historyHref: string | null;
}

/** A party's bodies and its recorded steps, oldest first. */
export function procedureView(party: Party, options: ProcedureOptions): TemplateResult {
  const steps = party.procedure;
  const attempts = [...new Set(steps.map((step) => step.attempt))];
  const byAttempt = party.approvalAttempt > 1 || attempts.some((attempt) => attempt > 1);
  const more =
    steps.length >= PROCEDURE_STEPS
      ? html`<p class="hint">
          Its newest ${PROCEDURE_STEPS} steps;
          ${
            options.historyHref
              ? html`<a href=${options.historyHref}>its history</a> lists`
              : 'its history, below, lists'
          }
          every one.
        </p>`
      : nothing;
  return html`${bodiesList(party)}
  ${
    !steps.length
      ? html`<p class="none">No step recorded yet.</p>`
      : byAttempt
        ? attempts.map(
            (attempt) =>
              html`<h4 class="attempt">Attempt ${attempt}</h4>
                ${stepList(
                  steps.filter((step) => step.attempt === attempt),
                  options.fresh,
                )}`,
          )
        : stepList(steps, options.fresh)
  }
  ${more}`;
}

function stepList(steps: readonly ProcedureStep[], fresh: ReadonlySet<number>): TemplateResult {
  return html`<ol class="timeline steps">
    ${repeat(
      steps,
      (step) => step.sequence,
      (step) =>
        html`<li data-sequence=${step.sequence} class=${fresh.has(step.sequence) ? 'fresh' : ''}>
          <time datetime=${step.occurredAt.slice(0, 10)}>${legalDate(step.occurredAt)}</time>
          <span class="what"><strong>${step.body}</strong> — ${describeStep(step)}</span>
          ${step.note ? html`<span class="note">${step.note}</span>` : nothing}
          ${sourceLink(step.sourceUrl)}
        </li>`,
    )}
  </ol>`;
}

/**
 * The agreement page's section: the procedure of each party whose approval has begun; the
 * parties whose procedure has not, named in one line (a convention may have 200).
 */
export function proceduresSection(
  agreement: Agreement,
  fresh: ReadonlySet<number>,
): TemplateResult | typeof nothing {
  const needing = agreement.parties.filter((party) => party.approvalRequired);
  if (!needing.length) {
    return nothing;
  }
  const begun = needing.filter((party) => party.procedure.length > 0);
  const waiting = needing.filter((party) => party.procedure.length === 0);
  return html`<section aria-labelledby="procedures-heading">
    <h2 id="procedures-heading">Domestic procedures</h2>
    ${repeat(
      begun,
      (party) => party.code,
      (party) => {
        const href = `/app/agreements/${agreement.id}/parties/${party.code}`;
        return html`<div class="procedure" id="procedure-${party.code}">
          <h3>
            <a href=${href}>${party.name} <span class="code">${party.code}</span></a>
          </h3>
          ${procedureView(party, { fresh, historyHref: href })}
        </div>`;
      },
    )}
    ${
      waiting.length
        ? html`<p class="none">
            No step recorded yet for ${waiting.map((party) => party.name).join(', ')}.
          </p>`
        : nothing
    }
  </section>`;
}
