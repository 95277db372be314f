/**
 * The parties in the manner of the UN Treaty Collection's status pages: each step of each party's
 * path, dated and linked to the source recorded with it; its domestic approval; for an editor,
 * what may be recorded for it now; and the table as CSV.
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { Agreement, Party } from './agreement-sections.js';
import { csvName, partiesCsv } from './csv.js';
import { DEFAULT_BODY, label, tally, type LoggedEvent } from './format.js';
import { bodiesList } from './procedure-view.js';
import type { Change } from './record-dialog.js';
import { dated, sourceLink } from './view.js';

export interface PartyTableOptions {
  /** The party whose address this is, marked in the table. */
  focused: string | null;
  /** For a signed-in editor or admin: opens the dialog recording a change; null otherwise. */
  record: ((change: Change) => void) | null;
}

/** The source of a party's latest event that `match` picks, where the log has one. */
type Source = (code: string, match: (event: LoggedEvent) => boolean) => string | null;

export function partyTable(
  agreement: Agreement,
  timeline: readonly LoggedEvent[],
  options: PartyTableOptions,
): TemplateResult {
  const action = (name: string) => (event: LoggedEvent) => event.partyAction === name;
  const { focused, record } = options;
  const editing = record !== null;
  const source: Source = (code, match) => sourceOf(timeline, code, match);
  return html`<section aria-labelledby="parties-heading">
    <h2 id="parties-heading">Parties (${agreement.parties.length})</h2>
    <p>
      <button type="button" @click=${() => downloadCsv(agreement)}>Download the table (CSV)</button>
    </p>
    <div class="scroll">
      <table class="parties">
        <thead>
          <tr>
            <th scope="col">Participant</th>
            <th scope="col">Status</th>
            <th scope="col">Signature</th>
            <th scope="col">Consent to be bound</th>
            <th scope="col">In force from</th>
            <th scope="col">Provisional application</th>
            <th scope="col">Withdrawal</th>
            <th scope="col">Domestic approval</th>
            ${editing ? html`<th scope="col">Record</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${repeat(
            agreement.parties,
            (party) => party.code,
            (party) =>
              html`<tr
                id="party-${party.code}"
                class=${party.code === focused ? 'focused' : ''}
                aria-current=${party.code === focused ? 'true' : 'false'}
              >
                <th scope="row">
                  <a href="/app/agreements/${agreement.id}/parties/${party.code}"
                    >${party.name} <span class="code">${party.code}</span></a
                  >
                </th>
                <td>${label(party.status)}</td>
                <td>${dated(party.signedAt, source(party.code, action('SIGN')))}</td>
                <td>
                  ${dated(party.consentedAt, source(party.code, action('CONSENT')))}
                  ${
                    party.consentMeans
                      ? html`<span class="means">${label(party.consentMeans)}</span>`
                      : nothing
                  }
                  ${
                    party.consentReference
                      ? html`<span class="reference">${party.consentReference}</span>`
                      : nothing
                  }
                </td>
                <td>${dated(party.inForceFrom, source(party.code, action('PARTY_IN_FORCE')))}</td>
                <td>
                  ${
                    party.provisionalApplicationFrom
                      ? dated(
                          party.provisionalApplicationFrom,
                          source(party.code, action('START_PROVISIONAL_APPLICATION')),
                        )
                      : dated(null)
                  }
                </td>
                <td>${withdrawal(party, source)}</td>
                <td>${approval(party, source)}</td>
                ${record ? html`<td>${partyButtons(party, record)}</td>` : nothing}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

/** The source of a party's latest action of one kind, where the log has one. */
function sourceOf(
  timeline: readonly LoggedEvent[],
  code: string,
  match: (event: LoggedEvent) => boolean,
): string | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const event = timeline[i];
    if (event.partyCode === code && match(event)) {
      return event.sourceUrl ?? null;
    }
  }
  return null;
}

/** The party table as a CSV file, made here from what the page shows. */
function downloadCsv(agreement: Agreement): void {
  const blob = new Blob([partiesCsv(agreement.parties)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = csvName(agreement.shortTitle ?? agreement.title);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function withdrawal(party: Party, source: Source): TemplateResult {
  if (!party.withdrawalNoticeAt) {
    return dated(null);
  }
  const notice = source(party.code, (event) => event.partyAction === 'GIVE_WITHDRAWAL_NOTICE');
  return html`notice ${dated(party.withdrawalNoticeAt, notice)}, effective
  ${dated(party.withdrawalEffectiveAt)}`;
}

/**
 * Its approval: the party's status; with one body, its tally and the body, as before bodies
 * were; with several, each in order and the one holding it now (the procedure has each tally).
 */
function approval(party: Party, source: Source): TemplateResult {
  if (!party.approvalRequired) {
    return html`<span class="none">Not required</span>`;
  }
  const link = source(party.code, (event) => event.type === 'APPROVAL_UPDATED');
  const attempt =
    party.approvalAttempt > 1
      ? html`<span class="attempt">attempt ${party.approvalAttempt}</span>`
      : nothing;
  if (party.bodies.length > 1) {
    return html`${label(party.approvalStatus)} ${attempt} ${bodiesList(party)} ${sourceLink(link)}`;
  }
  const votes = tally(party);
  // A party with no legislature named has the body the server gives it: nothing to say.
  const body = party.bodies[0] === DEFAULT_BODY && !party.legislature ? null : party.bodies[0];
  return html`${label(party.approvalStatus)}${votes ? html`, ${votes}` : nothing} ${attempt}
  ${body ? html`<span class="body">${body}</span>` : nothing} ${sourceLink(link)}`;
}

/** For a signed-in editor or admin, what may be recorded for a party now. */
function partyButtons(party: Party, record: (change: Change) => void): TemplateResult {
  const open = (change: Change) => () => record(change);
  const who = { partyCode: party.code, partyName: party.name };
  const procedure = { bodies: party.bodies, currentBody: party.currentBody };
  const buttons = [
    ...party.availableActions.map(
      (action) =>
        html`<button type="button" @click=${open({ kind: 'party', action, ...who })}>
          ${label(action)}…
        </button>`,
    ),
    ...party.availableApprovalSteps.map(
      (status) =>
        html`<button
          type="button"
          @click=${open({ kind: 'approval', status, ...who, ...procedure })}
        >
          Approval: ${label(status).toLowerCase()}…
        </button>`,
    ),
  ];
  return buttons.length
    ? html`<div class="buttons">${buttons}</div>`
    : html`<span class="none">Nothing now</span>`;
}
