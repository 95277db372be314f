/**
 * Recording a change from the agreement page: a workflow action (ADMIN), a party action or an
 * approval step (EDITOR or ADMIN), each confirmed in a dialog that asks for the fields it needs.
 * The page does not change on success: it changes when the change comes back over the
 * subscription, as it does for everyone else watching (README, "The web app").
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import { graphql } from './api.js';
import { label } from './format.js';
import { kindsFor, type StepKindRule } from './procedure.js';
import { fieldText, problem } from './view.js';
import { RECORD } from './operations.js';

export type Change =
  | { kind: 'workflow'; action: string }
  | { kind: 'party'; partyCode: string; partyName: string; action: string }
  | {
      kind: 'approval';
      partyCode: string;
      partyName: string;
      status: string;
      /** The party's bodies in order, and the one holding it now (the step's default body). */
      bodies: string[];
      currentBody: string | null;
    };

/** The means of consent (ConsentMeans), as the API lists them. */
export const CONSENT_MEANS = [
  'RATIFICATION',
  'ACCEPTANCE',
  'APPROVAL',
  'ACCESSION',
  'SUCCESSION',
  'DEFINITIVE_SIGNATURE',
  'NOTIFICATION',
  'EXCHANGE_OF_INSTRUMENTS',
];

/** What the dialog is recording, in words: "Republic of Korea: approval step Approved". */
export function title(change: Change): string {
  switch (change.kind) {
    case 'workflow':
      return `${label(change.action)} the agreement`;
    case 'party':
      return `${change.partyName}: ${label(change.action)}`;
    case 'approval':
      return `${change.partyName}: approval ${label(change.status).toLowerCase()}`;
  }
}

export class RecordDialog {
  private change: Change | null = null;
  private key = '';
  private error: unknown = null;
  private busy = false;
  /** An approval step's kind, as chosen in the dialog. */
  private stepKind = 'VOTE';

  constructor(
    private readonly agreement: () => { id: string; version: number },
    private readonly update: () => void,
    /** The kinds of procedure step, as the workflow lists them; [] when the page has not it. */
    private readonly stepKinds: () => readonly StepKindRule[] = () => [],
  ) {}

  /** The rule of the chosen kind of step, among those that may record the step's status. */
  private kindRule(change: Change & { kind: 'approval' }): StepKindRule {
    const kinds = kindsFor(change.status, this.stepKinds());
    return kinds.find((rule) => rule.kind === this.stepKind) ?? kinds[0];
  }

  open(change: Change): void {
    this.change = change;
    // One key per confirmation: a retry after a lost answer is not recorded twice.
    this.key = crypto.randomUUID();
    this.error = null;
    this.stepKind = 'VOTE';
    this.update();
    queueMicrotask(() => {
      const dialog = document.getElementById('record-dialog') as HTMLDialogElement | null;
      if (dialog && !dialog.open) {
        dialog.showModal();
      }
    });
  }

  private close(): void {
    const dialog = document.getElementById('record-dialog') as HTMLDialogElement | null;
    dialog?.close();
    this.change = null;
    this.update();
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const change = this.change;
    if (!change || this.busy) {
      return;
    }
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => {
      const value = fieldText(form, name);
      return value === '' ? undefined : value;
    };
    const count = (name: string) => {
      const value = text(name);
      return value === undefined ? undefined : Number(value);
    };
    const rule = change.kind === 'approval' ? this.kindRule(change) : null;
    // A legal date: the day chosen, at midnight UTC, whatever the reader's time zone.
    const date = (name: string) => {
      const value = text(name);
      return value === undefined ? undefined : `${value}T00:00:00.000Z`;
    };
    const { id, version } = this.agreement();
    const common = {
      agreementId: id,
      expectedVersion: version,
      idempotencyKey: this.key,
      occurredAt: date('occurredAt'),
      note: text('note'),
      sourceUrl: text('sourceUrl'),
    };
    const input =
      change.kind === 'workflow'
        ? { ...common, action: change.action }
        : change.kind === 'party'
          ? {
              ...common,
              partyCode: change.partyCode,
              action: change.action,
              means: text('means'),
              reference: text('reference'),
              withdrawalEffectiveAt: date('withdrawalEffectiveAt'),
            }
          : {
              ...common,
              partyCode: change.partyCode,
              status: change.status,
              body: text('body'),
              kind: rule?.kind,
              ...(rule?.tallies
                ? {
                    votesFor: count('votesFor'),
                    votesAgainst: count('votesAgainst'),
                    abstentions: count('abstentions'),
                  }
                : {}),
              ...(rule?.figures
                ? {
                    yesPercent: count('yesPercent'),
                    turnoutPercent: count('turnoutPercent'),
                    binding: form.get('binding') === 'on',
                  }
                : {}),
            };
    this.busy = true;
    this.error = null;
    this.update();
    try {
      await graphql(RECORD[change.kind], { input });
      this.busy = false;
      this.close();
    } catch (error) {
      this.busy = false;
      this.error = error;
      this.update();
    }
  }

  view(): TemplateResult | typeof nothing {
    const change = this.change;
    if (!change) {
      return nothing;
    }
    return html`<dialog
      id="record-dialog"
      aria-labelledby="record-title"
      @close=${() => {
        if (this.change) {
          this.change = null;
          this.update();
        }
      }}
    >
      <form @submit=${(event: SubmitEvent) => void this.submit(event)}>
        <h2 id="record-title">${title(change)}</h2>
        <p class="hint">
          Recorded in the agreement's history under your token's name. Leave the date empty for
          today.
        </p>
        ${
          change.kind === 'party' && change.action === 'CONSENT'
            ? html`<label
                >Means of consent
                <select name="means" required>
                  ${CONSENT_MEANS.map((means) => html`<option value=${means}>${label(means)}</option>`)}
                </select></label
              >`
            : nothing
        }
        ${change.kind === 'approval' ? this.approvalFields(change) : nothing}
        <label>Date it happened <input name="occurredAt" type="date" /></label>
        ${
          change.kind === 'party'
            ? html`<label
                >Reference (e.g. the depositary notification)
                <input name="reference" maxlength="200"
              /></label>`
            : nothing
        }
        ${
          change.kind === 'party' && change.action === 'GIVE_WITHDRAWAL_NOTICE'
            ? html`<label
                >Takes effect on (if the notice names a later date)
                <input name="withdrawalEffectiveAt" type="date"
              /></label>`
            : nothing
        }
        <label>Note <textarea name="note" rows="2" maxlength="2000"></textarea></label>
        <label
          >Source (a link to the report)
          <input name="sourceUrl" type="url" placeholder="https://…" maxlength="2000"
        /></label>
        ${this.error ? problem(this.error) : nothing}
        <div class="buttons">
          <button type="submit" class="primary" ?disabled=${this.busy}>
            ${this.busy ? 'Recording…' : 'Record'}
          </button>
          <button type="button" @click=${() => this.close()}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }

  /**
   * An approval step's body (when the party has several), its kind (when more than one may
   * record the status), and what that kind carries: a VOTE's tally, a REFERENDUM's figures.
   */
  private approvalFields(change: Change & { kind: 'approval' }): TemplateResult {
    const kinds = kindsFor(change.status, this.stepKinds());
    const rule = this.kindRule(change);
    const result = change.status === 'APPROVED' || change.status === 'REJECTED';
    const percent = (name: string, what: string) =>
      html`<label
        >${what}
        <input
          name=${name}
          type="number"
          min="0"
          max="100"
          step="0.01"
          inputmode="decimal"
          ?required=${result}
      /></label>`;
    return html`${
      change.bodies.length > 1
        ? html`<label
            >Body
            <select name="body">
              ${change.bodies.map(
                (body) =>
                  html`<option value=${body} ?selected=${body === change.currentBody}>
                    ${body}
                  </option>`,
              )}
            </select></label
          >`
        : nothing
    }
    ${
      kinds.length > 1
        ? html`<label
            >Kind of step
            <select
              name="kind"
              @change=${(event: Event) => {
                this.stepKind = (event.target as HTMLSelectElement).value;
                this.update();
              }}
            >
              ${kinds.map(
                ({ kind }) =>
                  html`<option value=${kind} ?selected=${kind === rule.kind}>
                    ${label(kind)}
                  </option>`,
              )}
            </select></label
          >`
        : nothing
    }
    ${
      rule.tallies
        ? html`<fieldset>
            <legend>The vote, if there was one</legend>
            <label>For <input name="votesFor" type="number" min="0" inputmode="numeric" /></label>
            <label
              >Against <input name="votesAgainst" type="number" min="0" inputmode="numeric"
            /></label>
            <label
              >Abstaining <input name="abstentions" type="number" min="0" inputmode="numeric"
            /></label>
          </fieldset>`
        : nothing
    }
    ${
      rule.figures
        ? html`<fieldset>
              <legend>The result${result ? '' : ', if there is one'}</legend>
              ${percent('yesPercent', 'Yes (% of valid votes)')}
              ${percent('turnoutPercent', 'Turnout (%)')}
            </fieldset>
            <label class="check"
              ><input name="binding" type="checkbox" checked /> Binding (unchecked: advisory, it
              moves no step)</label
            >`
        : nothing
    }`;
  }
}
