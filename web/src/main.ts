/**
 * Ratify's web app (README, "The web app"): a shell with the live state and an announcer, and
 * the page the address names. Addresses: `/app` (the list, its filters in the query string),
 * `/app/agreements/:id`, `/app/agreements/:id/parties/:code`.
 */
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { AgreementPage } from './agreement-page.js';
import { ApiError, graphql } from './api.js';
import { label } from './format.js';
import { ListPage } from './list-page.js';
import type { LiveState } from './live.js';
import { setToken, token, type Viewer } from './session.js';
import { fieldText, problem, type Page, type Shell } from './view.js';
import { VIEWER } from './operations.js';

// Three parts, each drawn on its own: a change of the live state redraws the header alone, not
// a page of 200 parties. They replace the "Loading" the server's page shows until the app runs.
const top = document.createElement('header');
top.className = 'top';
const main = document.createElement('main');
main.id = 'main';
const announcer = document.createElement('div');
announcer.className = 'announcer';
announcer.setAttribute('aria-live', 'polite');
announcer.setAttribute('aria-atomic', 'true');
document.getElementById('app')!.replaceChildren(top, main, announcer);
const graphiql = document.querySelector<HTMLMetaElement>('meta[name="ratify-graphiql"]')?.content;

let page: Page;
let live: LiveState = { kind: 'connecting' };
let viewer: Viewer | null = null;
let signInError: unknown = null;

const shell: Shell = {
  viewer: () => viewer,
  update: draw,
  announce(text) {
    announcer.textContent = text;
  },
  setLive(state) {
    live = state;
    drawHeader();
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
  announcer.textContent = '';
  drawHeader();
  draw();
  void page.start().then(() => {
    document.title = `${page.title} · Ratify`;
  });
}

/** Who `value` is, or the API's refusal. */
async function whoIs(value: string): Promise<Viewer> {
  const data = await graphql<{ viewer: Viewer | null }>(VIEWER, {}, value);
  if (!data.viewer) {
    throw new ApiError('The server does not know this token.', 'UNAUTHENTICATED');
  }
  return data.viewer;
}

/** A token typed in: kept for this tab once the API knows it, then the page opens again with it. */
async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const value = fieldText(new FormData(form), 'token');
  try {
    viewer = await whoIs(value);
    setToken(value);
    signInError = null;
    open();
  } catch (error) {
    signInError = error;
    drawHeader();
  }
}

function signOut(): void {
  setToken(null);
  viewer = null;
  open();
}

function account(): TemplateResult {
  if (viewer) {
    return html`<div class="account">
      <span>Signed in as <strong>${viewer.name}</strong> (${label(viewer.role)})</span>
      <button type="button" @click=${signOut}>Sign out</button>
    </div>`;
  }
  return html`<details class="account signin" ?open=${signInError !== null}>
    <summary>Sign in to record changes</summary>
    <form @submit=${(event: SubmitEvent) => void signIn(event)}>
      <label
        >API token
        <input name="token" type="password" autocomplete="off" spellcheck="false" required
      /></label>
      <button type="submit">Use token</button>
      ${signInError ? problem(signInError) : nothing}
      <p class="hint">Kept for this tab only. An administrator makes tokens (npm run token).</p>
    </form>
  </details>`;
}

function liveState(): TemplateResult {
  switch (live.kind) {
    case 'idle':
      return html``;
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

function drawHeader(): void {
  render(
    html`<a class="brand" href="/app">Ratify</a>
      <nav aria-label="Main">
        <a href="/app">Agreements</a>
        ${graphiql ? html`<a href=${graphiql}>API (GraphiQL)</a>` : nothing}
      </nav>
      <div class="status" role="status" aria-label="Live updates">${liveState()}</div>
      ${account()}`,
    top,
  );
}

/** The page, after its data changed. */
function draw(): void {
  render(page.view(), main);
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

// A token kept from earlier in this tab is checked first: a revoked one is dropped, and said.
const kept = token();
if (kept) {
  whoIs(kept)
    .then((who) => {
      viewer = who;
    })
    .catch((error: unknown) => {
      setToken(null);
      signInError = error;
    })
    .finally(open);
} else {
  open();
}
