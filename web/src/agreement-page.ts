/**
 * One agreement (`/app/agreements/:id`, and `/app/agreements/:id/parties/:code` for one party):
 * its stage, the workflow's progress, entry into force, the parties in the manner of the UN
 * Treaty Collection's status pages, the timeline with sources; live.
 */
import { html, nothing, type TemplateResult } from 'lit-html';
import { entryIntoForce, progress, relations, type Agreement } from './agreement-sections.js';
import { ApiError, graphql } from './api.js';
import { workflowDiagram } from './diagram.js';
import { describe, label, legalDate, type LoggedEvent } from './format.js';
import { LiveEvents } from './live.js';
import { headCursor } from './log.js';
import { AGREEMENT_PAGE, AGREEMENT_REFRESH, AGREEMENT_TIMELINE } from './operations.js';
import { partyTable } from './party-table.js';
import { proceduresSection, procedureView } from './procedure-view.js';
import type { StepKindRule } from './procedure.js';
import { RecordDialog } from './record-dialog.js';
import { eventList } from './timeline-view.js';
import { problem, stageBadge, type Page, type Shell } from './view.js';
import type { Workflow } from './workflow-layout.js';

interface TimelinePage {
  edges: { node: LoggedEvent }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface NewestEvents {
  edges: { node: LoggedEvent }[];
  pageInfo: { hasPreviousPage: boolean };
}

/** The workflow as the page reads it: the diagram's, and the kinds of procedure step. */
type PageWorkflow = Workflow & { approvalTrack?: { stepKinds: StepKindRule[] } };

/** The timeline shows the newest this many events until the reader asks for all. */
const TIMELINE_SHOWN = 50;

/** At most this many pages of 100 events are read for the timeline (and the party sources). */
const MAX_TIMELINE_PAGES = 50;

export class AgreementPage implements Page {
  private agreement: Agreement | null = null;
  private workflow: PageWorkflow | null = null;
  private timeline: LoggedEvent[] = [];
  private fresh = new Set<number>();
  private loading = true;
  private missing = false;
  private error: unknown = null;
  private live?: LiveEvents;
  private refresh?: ReturnType<typeof setTimeout>;
  private scrolled = false;
  /** A party, for the sentences of the timeline. */
  private readonly partyOf = (code: string) =>
    this.agreement?.parties.find((party) => party.code === code);
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
      () => this.workflow?.approvalTrack?.stepKinds ?? [],
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
    type First = {
      agreement: (Agreement & { timeline: NewestEvents }) | null;
      workflow: PageWorkflow;
    };
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
      this.shell.announce(describe(event, this.partyOf));
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
        ${relations(agreement)}
      </header>
      ${this.error ? problem(this.error) : nothing} ${this.recordPanel(agreement)}
      ${progress(agreement, this.workflow, this.timeline)} ${entryIntoForce(agreement)}
      ${partyTable(agreement, this.timeline, {
        focused: this.partyCode,
        record: this.shell.viewer() ? (change) => this.dialog.open(change) : null,
      })}
      ${this.partyCode ? this.partyHistory(agreement) : proceduresSection(agreement, this.fresh)}
      ${this.timelineView()}
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
            ? html`; domestic approval:
              ${label(party.approvalStatus)}${
                party.approvalAttempt > 1 ? ` (attempt ${party.approvalAttempt})` : ''
              }`
            : html`; no domestic approval required`
        }
      </p>
      ${
        party.approvalRequired
          ? html`<div class="procedure" id="procedure-${party.code}">
              <h3>Its procedure</h3>
              ${procedureView(party, { fresh: this.fresh, historyHref: null })}
            </div>`
          : nothing
      }
      ${eventList(events, {
        title: 'Its history',
        id: 'party-events',
        fresh: this.fresh,
        partyOf: this.partyOf,
      })}
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
    return eventList(shown, {
      title: 'Timeline',
      id: 'timeline',
      fresh: this.fresh,
      partyOf: this.partyOf,
      more,
    });
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
