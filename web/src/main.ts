/**
 * Ratify's web app (README, "The web app"): a shell with the live state and an announcer, and
 * the page the address names. Addresses: `/app` (the list, its filters in the query string),
 * `/app/agreements/:id`, `/app/agreements/:id/parties/:code`.
 */
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { AgreementPage } from './agreement-page.js';
import { ListPage } from './list-page.js';
import type { LiveState } from './live.js';
import type { Page, Shell } from './view.js';

const root = document.getElementById('app')!;
root.replaceChildren(); // the "Loading" the server's page shows until the app runs
const graphiql = document.querySelector<HTMLMetaElement>('meta[name="ratify-graphiql"]')?.content;

let page: Page;
let live: LiveState = { kind: 'connecting' };
let announcement = '';

const shell: Shell = {
  update: draw,
  announce(text) {
    announcement = text;
    draw();
  },
  setLive(state) {
    live = state;
    draw();
  },
};

/** The page an address names. */
function pageFor(location: Location): Page {
  const path = location.pathname.replace(/\/+$/, '');
  const match = /^\/app\/agreements\/([^/]+)(?:\/parties\/([^/]+))?$/.exec(path);
  if (match) {
    const [, id, code] = match.map((part) => (part ? decodeURIComponent(part) : part));
    return new AgreementPage(shell, id, code ? code.toUpperCase() : null);
  }
  return new ListPage(shell, location.search);
}

function open(): void {
  page?.dispose();
  page = pageFor(location);
  live = { kind: 'connecting' };
  announcement = '';
  draw();
  void page.start().then(() => {
    document.title = `${page.title} · Ratify`;
  });
}

function liveState(): TemplateResult {
  switch (live.kind) {
    case 'connecting':
      return html`<span class="live connecting">Connecting…</span>`;
    case 'live':
      return html`<span class="live on">Live</span>`;
    case 'reconnecting':
      return html`<span class="live reconnecting">Reconnecting (attempt ${live.attempt})…</span>`;
    case 'offline':
      return html`<span class="live offline">Offline: ${live.reason}</span>
        <button type="button" @click=${() => location.reload()}>Reload</button>`;
  }
}

function draw(): void {
  render(
    html`<header class="top">
        <a class="brand" href="/app">Ratify</a>
        <nav aria-label="Main">
          <a href="/app">Agreements</a>
          ${graphiql ? html`<a href=${graphiql}>API (GraphiQL)</a>` : nothing}
        </nav>
        <div class="status" role="status" aria-label="Live updates">${liveState()}</div>
      </header>
      <main id="main">${page.view()}</main>
      <div class="announcer" aria-live="polite" aria-atomic="true">${announcement}</div>`,
    root,
  );
}

// Links within the app change the page without a reload; the others are left alone.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest('a');
  if (
    !link ||
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey ||
    link.target ||
    link.origin !== location.origin ||
    !/^\/app(\/|$)/.test(link.pathname)
  ) {
    return;
  }
  event.preventDefault();
  if (link.href !== location.href) {
    history.pushState(null, '', link.href);
    open();
    window.scrollTo(0, 0);
  }
});
window.addEventListener('popstate', open);

open();
