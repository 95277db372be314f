/** The agreement list, its filters in the URL (`/app?stage=SIGNED&party=KR&q=sma`). */
import { html, nothing, type TemplateResult } from 'lit-html';
import { graphql } from './api.js';
import { describe, label, legalDate, type LoggedEvent } from './format.js';
import { LiveEvents } from './live.js';
import { headCursor } from './log.js';
import { problem, stageBadge, type Page, type Shell } from './view.js';
import { AGREEMENT_LIST } from './operations.js';

interface Row {
  id: string;
  title: string;
  shortTitle: string | null;
  kind: string;
  stage: string;
  stageEnteredAt: string;
  parties: { code: string; status: string }[];
}

interface ListData {
  agreements: {
    totalCount: number;
    edges: { node: Row }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  workflow: { stages: string[]; partyStatuses: string[] };
}

/** The filters, as the URL's query string holds them. */
export interface Filters {
  q: string;
  stage: string;
  party: string;
  partyStatus: string;
}

export function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  return {
    q: params.get('q') ?? '',
    stage: params.get('stage') ?? '',
    party: (params.get('party') ?? '').toUpperCase(),
    partyStatus: params.get('partyStatus') ?? '',
  };
}

export function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters) as [string, string][]) {
    if (value) {
      params.set(key, value);
    }
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

export class ListPage implements Page {
  readonly title = 'Agreements';
  private filters: Filters;
  private rows: Row[] = [];
  private total = 0;
  private next: string | null = null;
  private stages: string[] = [];
  private partyStatuses: string[] = [];
  private loading = true;
  private error: unknown = null;
  private live?: LiveEvents;
  private reload?: ReturnType<typeof setTimeout>;
  private typing?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly shell: Shell,
    search: string,
  ) {
    this.filters = filtersOf(search);
  }

  async start(): Promise<void> {
    const after = await headCursor().catch(() => null);
    await this.load();
    this.live = new LiveEvents({
      agreementId: null,
      after,
      onEvent: (event) => this.changed(event),
      onState: (state) => this.shell.setLive(state),
    });
    this.live.start();
  }

  dispose(): void {
    this.live?.close();
    clearTimeout(this.reload);
    clearTimeout(this.typing);
  }

  private async load(more = false): Promise<void> {
    this.loading = true;
    this.shell.update();
    try {
      const { q, stage, party, partyStatus } = this.filters;
      const data = await graphql<ListData>(AGREEMENT_LIST, {
        search: q || null,
        stage: stage || null,
        partyCode: party || null,
        partyStatus: partyStatus || null,
        after: more ? this.next : null,
      });
      const rows = data.agreements.edges.map((edge) => edge.node);
      this.rows = more ? [...this.rows, ...rows] : rows;
      this.total = data.agreements.totalCount;
      this.next = data.agreements.pageInfo.hasNextPage ? data.agreements.pageInfo.endCursor : null;
      this.stages = data.workflow.stages;
      this.partyStatuses = data.workflow.partyStatuses;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.loading = false;
    this.shell.update();
  }

  /** An event anywhere: said, and the list read again once the burst is over. */
  private changed(event: LoggedEvent): void {
    const row = this.rows.find((candidate) => candidate.id === event.agreementId);
    this.shell.announce(`${row ? `${row.shortTitle ?? row.title}: ` : ''}${describe(event)}`);
    clearTimeout(this.reload);
    this.reload = setTimeout(() => void this.load(), 150);
  }

  private filter(change: Partial<Filters>, wait = 0): void {
    this.filters = { ...this.filters, ...change };
    history.replaceState(null, '', `/app${searchOf(this.filters)}`);
    clearTimeout(this.typing);
    this.typing = setTimeout(() => void this.load(), wait);
  }

  view(): TemplateResult {
    const { q, stage, party, partyStatus } = this.filters;
    const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
    return html`
      <h1>Agreements</h1>
      <form class="filters" role="search" @submit=${(event: Event) => event.preventDefault()}>
        <label
          >Search
          <input
            type="search"
            name="q"
            .value=${q}
            placeholder="Title or short title"
            @input=${(event: Event) => this.filter({ q: value(event) }, 250)}
        /></label>
        <label
          >Stage
          <select name="stage" @change=${(event: Event) => this.filter({ stage: value(event) })}>
            <option value="" ?selected=${!stage}>Any stage</option>
            ${this.stages.map(
              (option) =>
                html`<option value=${option} ?selected=${option === stage}>
                  ${label(option)}
                </option>`,
            )}
          </select></label
        >
        <label
          >Party
          <input
            name="party"
            .value=${party}
            placeholder="e.g. KR"
            maxlength="10"
            autocapitalize="characters"
            @input=${(event: Event) => this.filter({ party: value(event).trim().toUpperCase() }, 250)}
        /></label>
        <label
          >Party status
          <select
            name="partyStatus"
            @change=${(event: Event) => this.filter({ partyStatus: value(event) })}
          >
            <option value="" ?selected=${!partyStatus}>Any</option>
            ${this.partyStatuses.map(
              (option) =>
                html`<option value=${option} ?selected=${option === partyStatus}>
                  ${label(option)}
                </option>`,
            )}
          </select></label
        >
      </form>
      ${this.error ? problem(this.error) : nothing}
      <p class="count" aria-live="polite">
        ${
          this.loading && !this.rows.length
            ? 'Loading…'
            : `${this.total} agreement${this.total === 1 ? '' : 's'}`
        }
      </p>
      ${
        this.rows.length
          ? html`<table class="agreements">
              <thead>
                <tr>
                  <th scope="col">Agreement</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Since</th>
                  <th scope="col">Parties</th>
                </tr>
              </thead>
              <tbody>
                ${this.rows.map(
                  (row) =>
                    html`<tr>
                      <th scope="row">
                        <a href="/app/agreements/${row.id}">${row.title}</a>
                        ${row.shortTitle ? html`<span class="short">${row.shortTitle}</span>` : nothing}
                      </th>
                      <td>${stageBadge(row.stage)}</td>
                      <td>${legalDate(row.stageEnteredAt)}</td>
                      <td class="codes">${partyCodes(row.parties)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }
      ${
        this.next
          ? html`<button type="button" @click=${() => void this.load(true)}>
              More agreements
            </button>`
          : nothing
      }
    `;
  }
}

/** The parties' codes, the first twelve, then how many more. */
function partyCodes(parties: { code: string }[]): string {
  const shown = parties.slice(0, 12).map((party) => party.code);
  return parties.length > 12
    ? `${shown.join(', ')} and ${parties.length - 12} more`
    : shown.join(', ');
}
