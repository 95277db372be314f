/** Small pieces of page shared by the app's pages. */
import { html, nothing, type TemplateResult } from 'lit-html';
import { label, legalDate, safeUrl } from './format.js';
import type { LiveState } from './live.js';
import type { Viewer } from './session.js';

/** What a page offers the shell that shows it. */
export interface Shell {
  /** Who the tab's token is; null when it has none. */
  viewer(): Viewer | null;
  /** Draws the page again (after its data changed). */
  update(): void;
  /** Says `text` to screen readers, politely, and shows it in the live strip. */
  announce(text: string): void;
  /** The state of the page's live connection, for the header. */
  setLive(state: LiveState): void;
}

export interface Page {
  readonly title: string;
  view(): TemplateResult;
  start(): Promise<void>;
  dispose(): void;
}

/** The stage as a coloured badge; its colour comes from its class (app.css). */
export function stageBadge(stage: string): TemplateResult {
  return html`<span class="badge stage-${stage.toLowerCase().replace(/_/g, '-')}"
    >${label(stage)}</span
  >`;
}

/** A legal date, linked to its source where one is known. */
export function dated(iso: string | null | undefined, source?: string | null): TemplateResult {
  if (!iso) {
    return html`<span class="none" aria-label="none">—</span>`;
  }
  const date = html`<time datetime=${iso.slice(0, 10)}>${legalDate(iso)}</time>`;
  return source ? html`<a href=${safeUrl(source)} rel="noopener noreferrer">${date}</a>` : date;
}

export function sourceLink(url: string | null | undefined): TemplateResult | typeof nothing {
  return url
    ? html`<a class="source" href=${safeUrl(url)} rel="noopener noreferrer">source</a>`
    : nothing;
}

/** An error as the API words it, in the page. */
export function problem(error: unknown): TemplateResult {
  const message = error instanceof Error ? error.message : String(error);
  return html`<p class="error" role="alert">${message}</p>`;
}

/** A text field of a form, trimmed; '' when absent. */
export function fieldText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}
