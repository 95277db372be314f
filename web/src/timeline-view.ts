/** Events as the page lists them: newest first, each a sentence with its date and source. */
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import { describe, legalDate, moment, type LoggedEvent, type NamedParty } from './format.js';
import { sourceLink } from './view.js';

export function eventList(
  events: readonly LoggedEvent[],
  options: {
    title: string;
    id: string;
    /** The events that arrived live, highlighted. */
    fresh: ReadonlySet<number>;
    /** A party the page knows, to name it in the sentences. */
    partyOf: (code: string) => NamedParty | undefined;
    more?: TemplateResult | typeof nothing;
  },
): TemplateResult {
  const { title, id, fresh, partyOf, more = nothing } = options;
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
                  class=${fresh.has(event.sequence) ? 'fresh' : ''}
                >
                  <time datetime=${event.occurredAt.slice(0, 10)}
                    >${legalDate(event.occurredAt)}</time
                  >
                  <span class="what">${describe(event, partyOf)}</span>
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
