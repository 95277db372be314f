/**
 * One agreement (`/app/agreements/:id`, and `/app/agreements/:id/parties/:code` for one party):
 * its stage, the workflow's progress, entry into force, the parties in the manner of the UN
 * Treaty Collection's status pages, the timeline with sources; live.
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import { ApiError, graphql } from './api.js';
import { csvName, partiesCsv, type PartyRow } from './csv.js';
import { workflowDiagram } from './diagram.js';
import {
  describe,
  describeRule,
  label,
  legalDate,
  moment,
  tally,
  type LoggedEvent,
} from './format.js';
import { LiveEvents } from './live.js';
import { headCursor } from './log.js';
import { RecordDialog, type Change } from './record-dialog.js';
import { mainPath, type Workflow } from './workflow-layout.js';
import { dated, problem, sourceLink, stageBadge, type Page, type Shell } from './view.js';
import { AGREEMENT_PAGE, AGREEMENT_REFRESH, AGREEMENT_TIMELINE } from './operations.js';

/** A party as the page reads it: the table's columns, and what may be recorded for it now. */
interface Party extends PartyRow {
  approvalUpdatedAt: string | null;
  availableActions: string[];
  availableApprovalSteps: string[];
}

interface Agreement {
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

interface TimelinePage {
  edges: { node: LoggedEvent }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface NewestEvents {
  edges: { node: LoggedEvent }[];
  pageInfo: { hasPreviousPage: boolean };
}

/** The timeline shows the newest this many events until the reader asks for all. */
const TIMELINE_SHOWN = 50;

/** At most this many pages of 100 events are read for the timeline (and the party sources). */
const MAX_TIMELINE_PAGES = 50;

export class AgreementPage implements Page {
  private agreement: Agreement | null = null;
  private workflow: Workflow | null = null;
  private timeline: LoggedEvent[] = [];
  private fresh = new Set<number>();
  private loading = true;
  private missing = false;
  private error: unknown = null;
  private live?: LiveEvents;
  private refresh?: ReturnType<typeof setTimeout>;
  private scrolled = false;
  /** A party's name, for the sentences of the timeline. */
  private readonly nameOf = (code: string) =>
    this.agreement?.parties.find((party) => party.code === code)?.name;
  private showAll = false;
  private readonly dialog: RecordDialog;

  constructor(
    private readonly shell: Shell,
    private readonly id: string,
    private readonly partyCode: string | null,
  ) {
    this.dialog = new RecordDialog(
      () => this.agreement!,
      () => this.shell.update(),
    );
  }

  get title(): string {
    return this.agreement?.shortTitle ?? this.agreement?.title ?? 'Agreement';
  }

  async start(): Promise<void> {
    try {
      const after = await headCursor();
      // The connection opens while the data loads; it subscribes once the agreement is known.
      this.live = new LiveEvents({
        agreementId: this.id,
        after,
        onEvent: (event) => this.changed(event),
        onState: (state) => this.shell.setLive(state),
      });
      this.live.warm();
      await this.load();
      if (!this.agreement) {
        this.live.close();
        this.shell.setLive({ kind: 'idle' });
      } else if (this.fresh.size > 0) {
        await this.reread();
      }
    } catch (error) {
      this.error = error;
      this.loading = false;
      this.shell.update();
    }
  }

  dispose(): void {
    this.live?.close();
    clearTimeout(this.refresh);
  }

  /**
   * Reads the agreement and its timeline; once the agreement is known to exist, goes live from
   * the log's head read before, while the rest of the timeline loads and the page is drawn: what
   * commits meanwhile arrives over the subscription, and the agreement is read again once it has
   * loaded.
   */
  private async load(): Promise<void> {
    type First = { agreement: (Agreement & { timeline: NewestEvents }) | null; workflow: Workflow };
    let data: First;
    try {
      data = await graphql<First>(AGREEMENT_PAGE, { id: this.id });
    } catch (error) {
      // An id that is not one of Ratify's is refused as bad input: no such agreement.
      if (error instanceof ApiError && error.code === 'BAD_USER_INPUT') {
        data = { agreement: null, workflow: { stages: [], transitions: [] } };
      } else {
        throw error;
      }
    }
    this.loading = false;
    if (!data.agreement) {
      this.missing = true;
      this.shell.update();
      return;
    }
    const { timeline, ...agreement } = data.agreement;
    this.agreement = agreement;
    this.workflow = data.workflow;
    this.live?.start();
    const newest = timeline.edges.map((edge) => edge.node);
    this.add(newest, false);
    this.shell.update();
    if (timeline.pageInfo.hasPreviousPage) {
      await this.olderEvents(newest[0].sequence);
    }
  }

  /**
   * The events before the newest 100, read from the first on (the timeline pages forward) until
   * they meet `before`; the page is drawn again with them: older rows and the sources of older
   * party actions.
   */
  private async olderEvents(before: number): Promise<void> {
    const older: LoggedEvent[] = [];
    let after: string | null = null;
    for (let read = 0; read < MAX_TIMELINE_PAGES; read++) {
      const more: { agreement: { timeline: TimelinePage } } = await graphql(AGREEMENT_TIMELINE, {
        id: this.id,
        after,
      });
      const { edges, pageInfo } = more.agreement.timeline;
      older.push(...edges.map((edge) => edge.node).filter((event) => event.sequence < before));
      if (!pageInfo.hasNextPage || edges.some((edge) => edge.node.sequence >= before)) {
        break;
      }
      after = pageInfo.endCursor;
    }
    this.add(older, false);
    this.shell.update();
  }

  /** Events into the timeline, each once, in log order. */
  private add(events: LoggedEvent[], fresh: boolean): LoggedEvent[] {
    const known = new Set(this.timeline.map((event) => event.sequence));
    const added = events.filter((event) => !known.has(event.sequence));
    if (fresh) {
      added.forEach((event) => this.fresh.add(event.sequence));
    }
    this.timeline = [...this.timeline, ...added].sort((a, b) => a.sequence - b.sequence);
    return added;
  }

  /** A change, live: into the timeline at once, said, and the rest read again after the burst. */
  private changed(event: LoggedEvent): void {
    if (this.add([event], true).length) {
      this.shell.announce(describe(event, this.nameOf));
    }
    this.shell.update();
    clearTimeout(this.refresh);
    this.refresh = setTimeout(() => void this.reread(), 150);
  }

  private async reread(): Promise<void> {
    try {
      const data = await graphql<{ agreement: Agreement | null }>(AGREEMENT_REFRESH, {
        id: this.id,
      });
      if (data.agreement) {
        this.agreement = data.agreement;
      }
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.shell.update();
  }

  view(): TemplateResult {
    if (this.loading) {
      return html`<p class="count">Loading…</p>`;
    }
    if (this.missing) {
      return html`<h1>No such agreement</h1>
        <p>There is no agreement with this address. <a href="/app">All agreements</a></p>`;
    }
    const agreement = this.agreement;
    if (!agreement) {
      return problem(this.error);
    }
    queueMicrotask(() => this.scrollToParty());
    return html`
      <nav class="crumbs" aria-label="Breadcrumb"><a href="/app">Agreements</a></nav>
      <header class="agreement">
        <h1>${agreement.title}</h1>
        <p class="facts">
          ${agreement.shortTitle ? html`<span class="short">${agreement.shortTitle}</span>` : nothing}
          ${agreement.kind === 'OTHER' ? nothing : html`<span>${label(agreement.kind)}</span>`}
          ${stageBadge(agreement.stage)}
          <span>since ${legalDate(agreement.stageEnteredAt)}</span>
        </p>
        ${agreement.summary ? html`<p class="summary">${agreement.summary}</p>` : nothing}
        ${this.relations(agreement)}
      </header>
      ${this.error ? problem(this.error) : nothing} ${this.recordPanel(agreement)}
      ${this.progress(agreement)} ${this.entryIntoForce(agreement)} ${this.parties(agreement)}
      ${this.partyHistory(agreement)} ${this.timelineView()}
      ${
        this.workflow
          ? html`<section aria-labelledby="workflow-heading">
              <h2 id="workflow-heading">Workflow</h2>
              ${workflowDiagram(this.workflow, agreement.stage)}
              <p class="hint">
                What may happen next:
                ${
                  agreement.availableActions.length
                    ? agreement.availableActions.map(label).join(', ')
                    : 'nothing: this is an end'
                }.
              </p>
            </section>`
          : nothing
      }
      ${this.dialog.view()}
    `;
  }

  /** For a signed-in admin, the workflow actions the API allows now, each behind a dialog. */
  private recordPanel(agreement: Agreement): TemplateResult | typeof nothing {
    const viewer = this.shell.viewer();
    if (!viewer) {
      return nothing;
    }
    const actions = viewer.role === 'ADMIN' ? agreement.availableActions : [];
    return html`<section class="record" aria-labelledby="record-heading">
      <h2 id="record-heading">Record a change</h2>
      ${
        actions.length
          ? html`<p class="buttons">
              ${actions.map(
                (action) =>
                  html`<button
                    type="button"
                    @click=${() => this.dialog.open({ kind: 'workflow', action })}
                  >
                    ${label(action)}…
                  </button>`,
              )}
            </p>`
          : html`<p class="hint">
              ${
                viewer.role === 'ADMIN'
                  ? 'No workflow action is possible now.'
                  : 'Workflow actions need an admin token.'
              }
            </p>`
      }
      <p class="hint">A party's actions and approval steps are in the parties table.</p>
    </section>`;
  }

  /** For a signed-in editor or admin, what may be recorded for a party now. */
  private partyButtons(party: Party): TemplateResult {
    const open = (change: Change) => () => this.dialog.open(change);
    const who = { partyCode: party.code, partyName: party.name };
    const buttons = [
      ...party.availableActions.map(
        (action) =>
          html`<button type="button" @click=${open({ kind: 'party', action, ...who })}>
            ${label(action)}…
          </button>`,
      ),
      ...party.availableApprovalSteps.map(
        (status) =>
          html`<button type="button" @click=${open({ kind: 'approval', status, ...who })}>
            Approval: ${label(status).toLowerCase()}…
          </button>`,
      ),
    ];
    return buttons.length
      ? html`<div class="buttons">${buttons}</div>`
      : html`<span class="none">Nothing now</span>`;
  }

  private relations(agreement: Agreement): TemplateResult | typeof nothing {
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
  private progress(agreement: Agreement): TemplateResult | typeof nothing {
    if (!this.workflow) {
      return nothing;
    }
    const path = mainPath(this.workflow);
    const reached = new Set(this.timeline.map((event) => event.toStage).filter(Boolean));
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

  private entryIntoForce(agreement: Agreement): TemplateResult {
    const { rule, consents, share, missingParties, conditionMetAt, date } =
      agreement.entryIntoForce;
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

  /** The source of a party's latest action of one kind, where the log has one. */
  private source(code: string, match: (event: LoggedEvent) => boolean): string | null {
    for (let i = this.timeline.length - 1; i >= 0; i--) {
      const event = this.timeline[i];
      if (event.partyCode === code && match(event)) {
        return event.sourceUrl ?? null;
      }
    }
    return null;
  }

  private parties(agreement: Agreement): TemplateResult {
    const action = (name: string) => (event: LoggedEvent) => event.partyAction === name;
    const editing = this.shell.viewer() !== null;
    return html`<section aria-labelledby="parties-heading">
      <h2 id="parties-heading">Parties (${agreement.parties.length})</h2>
      <p>
        <button type="button" @click=${() => this.downloadCsv(agreement)}>
          Download the table (CSV)
        </button>
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
                  class=${party.code === this.partyCode ? 'focused' : ''}
                  aria-current=${party.code === this.partyCode ? 'true' : 'false'}
                >
                  <th scope="row">
                    <a href="/app/agreements/${agreement.id}/parties/${party.code}"
                      >${party.name} <span class="code">${party.code}</span></a
                    >
                  </th>
                  <td>${label(party.status)}</td>
                  <td>${dated(party.signedAt, this.source(party.code, action('SIGN')))}</td>
                  <td>
                    ${dated(party.consentedAt, this.source(party.code, action('CONSENT')))}
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
                  <td>
                    ${dated(party.inForceFrom, this.source(party.code, action('PARTY_IN_FORCE')))}
                  </td>
                  <td>
                    ${
                      party.provisionalApplicationFrom
                        ? dated(
                            party.provisionalApplicationFrom,
                            this.source(party.code, action('START_PROVISIONAL_APPLICATION')),
                          )
                        : dated(null)
                    }
                  </td>
                  <td>${this.withdrawal(party)}</td>
                  <td>${this.approval(party)}</td>
                  ${editing ? html`<td>${this.partyButtons(party)}</td>` : nothing}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  /** The party table as a CSV file, made here from what the page shows. */
  private downloadCsv(agreement: Agreement): void {
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

  private withdrawal(party: Party): TemplateResult {
    if (!party.withdrawalNoticeAt) {
      return dated(null);
    }
    const notice = this.source(
      party.code,
      (event) => event.partyAction === 'GIVE_WITHDRAWAL_NOTICE',
    );
    return html`notice ${dated(party.withdrawalNoticeAt, notice)}, effective
    ${dated(party.withdrawalEffectiveAt)}`;
  }

  private approval(party: Party): TemplateResult {
    if (!party.approvalRequired) {
      return html`<span class="none">Not required</span>`;
    }
    const votes = tally(party);
    const source = this.source(party.code, (event) => event.type === 'APPROVAL_UPDATED');
    return html`${label(party.approvalStatus)}${votes ? html`, ${votes}` : nothing}
    ${party.legislature ? html`<span class="body">${party.legislature}</span>` : nothing}
    ${sourceLink(source)}`;
  }

  /** On a party's own address: its path and its domestic procedure, step by step. */
  private partyHistory(agreement: Agreement): TemplateResult | typeof nothing {
    const party = agreement.parties.find((candidate) => candidate.code === this.partyCode);
    if (!this.partyCode) {
      return nothing;
    }
    if (!party) {
      return html`<p class="error" role="alert">
        ${this.partyCode} is not a party to this agreement.
      </p>`;
    }
    const events = this.timeline.filter((event) => event.partyCode === party.code).reverse();
    return html`<section aria-labelledby="party-heading" class="party">
      <h2 id="party-heading">${party.name} (${party.code})</h2>
      <p>
        ${label(party.status)}${
          party.approvalRequired
            ? html`; domestic approval by ${party.legislature ?? 'its legislature'}:
              ${label(party.approvalStatus)}`
            : nothing
        }
      </p>
      ${this.events(events, 'Its history')}
    </section>`;
  }

  /** The newest events first; the first TIMELINE_SHOWN, then all of them when asked. */
  private timelineView(): TemplateResult {
    const events = [...this.timeline].reverse();
    const shown = this.showAll ? events : events.slice(0, TIMELINE_SHOWN);
    const more =
      shown.length < events.length
        ? html`<button
            type="button"
            @click=${() => {
              this.showAll = true;
              this.shell.update();
            }}
          >
            Show all ${events.length} events
          </button>`
        : nothing;
    return this.events(shown, 'Timeline', 'timeline', more);
  }

  private events(
    events: LoggedEvent[],
    title: string,
    id = 'party-events',
    more: TemplateResult | typeof nothing = nothing,
  ): TemplateResult {
    return html`<section aria-labelledby="${id}-heading">
      <h2 id="${id}-heading">${title}</h2>
      ${
        events.length
          ? html`<ol class="timeline" id=${id}>
              ${repeat(
                events,
                (event) => event.sequence,
                (event) =>
                  html`<li
                    data-sequence=${event.sequence}
                    class=${this.fresh.has(event.sequence) ? 'fresh' : ''}
                  >
                    <time datetime=${event.occurredAt.slice(0, 10)}
                      >${legalDate(event.occurredAt)}</time
                    >
                    <span class="what">${describe(event, this.nameOf)}</span>
                    ${event.note ? html`<span class="note">${event.note}</span>` : nothing}
                    <span class="who"
                      >recorded by
                      ${event.actor}${event.recordedAt ? `, ${moment(event.recordedAt)}` : ''}</span
                    >
                    ${sourceLink(event.sourceUrl)}
                  </li>`,
              )}
            </ol>`
          : html`<p class="none">Nothing recorded yet.</p>`
      }
      ${more}
    </section>`;
  }

  private scrollToParty(): void {
    if (this.partyCode && !this.scrolled) {
      const row = document.getElementById(`party-${this.partyCode}`);
      if (row) {
        this.scrolled = true;
        row.scrollIntoView({ block: 'center' });
      }
    }
  }
}
