import type { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { sentence, type Names } from '../events/event-sentence.js';

/** Text for XML: character data and attribute values alike. */
export function xml(text: string): string {
  return (
    text
      // Characters XML 1.0 does not allow at all, escaped or not.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export interface FeedInput {
  /** The feed's own URL, its permanent id too. */
  readonly self: string;
  readonly title: string;
  /** The page a person reads it on. */
  readonly alternate: string;
  /** Newest first. */
  readonly events: readonly AgreementEventEntity[];
  readonly names: Names;
  /** The page of an event, by agreement and party. */
  readonly pageOf: (event: AgreementEventEntity) => string;
}

/** An Atom 1.0 document (RFC 4287). */
export function atomFeed(feed: FeedInput): string {
  const updated = (feed.events[0]?.recordedAt ?? new Date(0)).toISOString();
  const entries = feed.events.map((event) => {
    const title = sentence(event, feed.names);
    const content = [
      title,
      `It happened on ${event.occurredAt.toISOString().slice(0, 10)}.`,
      event.note ?? '',
      event.sourceUrl ? `Source: ${event.sourceUrl}` : '',
      `Recorded by ${event.actor}.`,
    ].filter(Boolean);
    return `  <entry>
    <id>urn:ratify:agreement:${xml(event.agreementId)}:event:${event.sequence}</id>
    <title type="text">${xml(title)}</title>
    <updated>${event.recordedAt.toISOString()}</updated>
    <author><name>${xml(event.actor)}</name></author>
    <link rel="alternate" type="text/html" href="${xml(feed.pageOf(event))}"/>${
      event.sourceUrl
        ? `\n    <link rel="related" href="${xml(event.sourceUrl)}" title="Source"/>`
        : ''
    }
    <category term="${xml(event.type)}"/>
    <content type="text">${xml(content.join('\n'))}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(feed.self)}</id>
  <title type="text">${xml(feed.title)}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${xml(feed.self)}"/>
  <link rel="alternate" type="text/html" href="${xml(feed.alternate)}"/>
  <author><name>Ratify</name></author>
  <generator>Ratify</generator>
${entries.join('\n')}
</feed>
`;
}
