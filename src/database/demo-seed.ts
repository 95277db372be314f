import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AgreementsService } from '../agreements/agreements.service.js';
import { DEMO_SEED } from '../auth/principal.js';
import { EventLog } from '../events/event-log.service.js';
import { AgreementKind, AgreementStage, WorkflowAction } from '../workflow/index.js';

/**
 * The demo data of docs/design.md §4: the US–ROK Special Measures Agreements, with only facts from
 * the VOA article of 2021-03-08 (docs/seed-article.txt; VOA, a US government service, publishes
 * in the public domain). Where the article gives no exact date, the date is the first day of the
 * year it names, and the note says so.
 */
export const SEED_SOURCE =
  'https://www.voanews.com/a/east-asia-pacific_us-south-korea-taking-final-steps-troop-basing-deal/6203045.html';

const parties = [
  { code: 'US', name: 'United States', approvalRequired: false },
  {
    code: 'KR',
    name: 'Republic of Korea',
    legislature: 'National Assembly',
    approvalRequired: true,
  },
];

const year = (y: number) => new Date(Date.UTC(y, 0, 1));

/** Seeds an empty database, in one transaction, so a restart or a second instance adds nothing. */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly log: EventLog,
    private readonly agreements: AgreementsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seeded = await this.log.write(async (log) => {
      const [any] = await log.select('SELECT 1 FROM "agreement" LIMIT 1');
      if (any) {
        return false;
      }
      const tenth = await this.agreements.createIn(
        log,
        {
          title: '10th US–ROK Special Measures Agreement',
          shortTitle: '10th SMA',
          kind: AgreementKind.OTHER,
          summary:
            'The previous deal on how the United States and South Korea share the cost of U.S. forces on the Korean Peninsula. Its expiry in 2019 raised tensions between the two countries.',
          parties,
          stage: AgreementStage.EXPIRED,
          stageEnteredAt: year(2019),
          note: 'Expired in 2019 (date approximate: the article gives the year only).',
          sourceUrl: SEED_SOURCE,
        },
        DEMO_SEED,
      );
      const eleventh = await this.agreements.createIn(
        log,
        {
          title: '11th US–ROK Special Measures Agreement',
          shortTitle: '11th SMA',
          kind: AgreementKind.OTHER,
          summary:
            'A six-year deal on how the United States and South Korea share the cost of the approximately 28,500 U.S. troops stationed in South Korea. The State Department said it includes a “meaningful increase” in South Korea’s contributions. It must still be approved by South Korean lawmakers.',
          termYears: 6,
          predecessorId: tenth.id,
          parties,
          stageEnteredAt: year(2019),
          note: 'Negotiations on a new agreement after the previous deal expired in 2019 (date approximate: the article gives the year only).',
          sourceUrl: SEED_SOURCE,
        },
        DEMO_SEED,
      );
      const history: [WorkflowAction, Date, string][] = [
        [
          WorkflowAction.STALL,
          year(2020),
          'Talks stalled after then-President Donald Trump rejected South Korea’s offer to increase its payments by 13% a year, from $920 million to about $1 billion (date approximate: the article places it before the Biden administration, without a date).',
        ],
        [
          WorkflowAction.RESUME,
          year(2021),
          'Talks took a new, less demanding tone under President Joe Biden: “We have engaged in good faith, constructive negotiations” (State Department spokesman Ned Price). Date approximate: the article gives no date.',
        ],
        [
          WorkflowAction.REACH_AGREEMENT_IN_PRINCIPLE,
          new Date('2021-03-07T00:00:00Z'),
          'Word of an agreement in principle on a new six-year Special Measures Agreement broke on Sunday, March 7, 2021; the State Department said it includes a “meaningful increase” in South Korea’s contributions, and the Pentagon said negotiators are “pursuing the final steps”.',
        ],
      ];
      for (const [action, occurredAt, note] of history) {
        await this.agreements.advanceIn(
          log,
          { agreementId: eleventh.id, action, occurredAt, note, sourceUrl: SEED_SOURCE },
          DEMO_SEED,
        );
      }
      return true;
    });
    if (seeded) {
      this.logger.log('Seeded the demo data: the 10th and 11th US–ROK Special Measures Agreements');
    }
  }
}
