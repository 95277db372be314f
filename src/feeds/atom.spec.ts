import { describe, expect, it } from '@jest/globals';
import { parseFeed } from '@rowanmanning/feed-parser';
import { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { sentence, type Names } from '../events/event-sentence.js';
import { atomFeed, xml } from './atom.js';

const names: Names = {
  agreements: new Map([['a1', { title: 'A <long> title', shortTitle: null }]]),
  parties: new Map([['a1 KR', { name: 'Republic of Korea', legislature: null }]]),
};

const event = (fields: Partial<AgreementEventEntity>) =>
  Object.assign(new AgreementEventEntity(), {
    sequence: 7,
    agreementId: 'a1',
    occurredAt: new Date('2021-03-07T00:00:00Z'),
    recordedAt: new Date('2026-12-01T10:00:00Z'),
    actor: 'kr-desk',
    note: null,
    sourceUrl: null,
    partyCode: null,
    ...fields,
  } as Partial<AgreementEventEntity>);

describe('Atom documents', () => {
  it('escapes every value, and drops what XML 1.0 cannot hold', () => {
    expect(xml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
    expect(xml('bell\u0007 and tab\t and \uFFFF')).toBe('bell and tab\t and ');
  });

  it('names the party by its name without a legislature, by its code with none known', () => {
    const approval = { type: 'APPROVAL_UPDATED', approvalStatus: 'REJECTED' } as const;
    expect(sentence(event({ ...approval, partyCode: 'KR' } as any), names)).toBe(
      'A <long> title: Republic of Korea (KR) rejected it.',
    );
    expect(sentence(event({ ...approval, partyCode: 'US' } as any), names)).toBe(
      'A <long> title: US rejected it.',
    );
    expect(
      sentence(event({ type: 'PARTY_ADDED', partyCode: 'KR', agreementId: 'gone' } as any), names),
    ).toBe('An agreement: KR joined the parties.');
  });

  it('names the body of a step, the party for the default body, and a referendum by its figures', () => {
    const step = { type: 'APPROVAL_UPDATED', approvalStatus: 'APPROVED', partyCode: 'KR' } as const;
    expect(sentence(event({ ...step, body: 'Legislature', stepKind: 'VOTE' } as any), names)).toBe(
      'A <long> title: Republic of Korea (KR) approved it.',
    );
    expect(
      sentence(
        event({ ...step, body: 'State Council', stepKind: 'EXECUTIVE_DECISION' } as any),
        names,
      ),
    ).toBe('A <long> title: the State Council of KR approved it.');
    expect(
      sentence(
        event({
          ...step,
          approvalStatus: 'REJECTED',
          stepKind: 'REFERENDUM',
          binding: false,
          yesPercent: 38.2,
          turnoutPercent: 32.3,
          attempt: 2,
        } as any),
        names,
      ),
    ).toBe(
      'A <long> title: the advisory referendum in Republic of Korea (KR) rejected it, 38.2% yes, turnout 32.3% (attempt 2).',
    );
  });

  it('makes a document a feed parser reads back, empty or not', () => {
    const document = atomFeed({
      self: 'http://x/feeds/events.atom',
      title: 'Ratify & co',
      alternate: 'http://x/app',
      events: [
        event({ type: 'DETAILS_UPDATED', changedFields: ['title'], note: 'a\u0000b <c>' } as any),
      ],
      names,
      pageOf: () => 'http://x/app/agreements/a1?a=1&b=2',
    });
    const parsed = parseFeed(document);
    expect(parsed.title).toBe('Ratify & co');
    expect(parsed.items[0].title).toBe('A <long> title: details updated (title).');
    expect(parsed.items[0].url).toBe('http://x/app/agreements/a1?a=1&b=2');
    expect(parsed.items[0].content).toContain('ab <c>');
    const empty = parseFeed(
      atomFeed({
        self: 'http://x/f',
        title: 't',
        alternate: 'http://x',
        events: [],
        names,
        pageOf: () => '',
      }),
    );
    expect(empty.items).toEqual([]);
  });
});
