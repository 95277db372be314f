import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { servicesOnSqlite } from '../../test/support/testing-module.js';
import type { Principal } from '../auth/principal.js';
import { Role } from '../auth/role.js';
import { ErrorCode } from '../common/domain-error.js';
import { EventsService } from '../events/events.service.js';
import {
  AgreementKind,
  AgreementStage,
  ApprovalStatus,
  WorkflowAction,
} from '../workflow/index.js';
import { AgreementsService } from './agreements.service.js';
import type { CreateAgreementInput } from './dto/create-agreement.input.js';

const admin: Principal = { name: 'treaty-office', role: Role.ADMIN, tokenId: null };
const editor: Principal = { name: 'kr-desk', role: Role.EDITOR, tokenId: null };

const input = (overrides: Partial<CreateAgreementInput> = {}): CreateAgreementInput => ({
  title: 'Agreement on cooperation',
  kind: AgreementKind.TREATY,
  parties: [
    { code: 'US', name: 'United States', approvalRequired: false },
    {
      code: 'KR',
      name: 'Republic of Korea',
      legislature: 'National Assembly',
      approvalRequired: true,
    },
  ],
  ...overrides,
});

describe('AgreementsService on SQLite', () => {
  let module: TestingModule;
  let service: AgreementsService;
  let events: EventsService;

  beforeEach(async () => {
    module = await servicesOnSqlite().compile();
    service = module.get(AgreementsService);
    events = module.get(EventsService);
  });
  afterEach(() => module.close());

  const log = async (agreementId?: string) =>
    (await events.page(agreementId, { first: 100 })).edges.map((edge) => edge.node);

  describe('create', () => {
    it('registers an agreement in NEGOTIATION with its parties in order and one event', async () => {
      const created = await service.create(
        input({ note: 'Talks open', sourceUrl: 'https://example.org/a' }),
        editor,
      );
      expect(created).toMatchObject({
        stage: AgreementStage.NEGOTIATION,
        version: 1,
        parties: [
          { code: 'US', approvalStatus: ApprovalStatus.NOT_REQUIRED, position: 0 },
          { code: 'KR', approvalStatus: ApprovalStatus.PENDING, position: 1 },
        ],
      });
      expect(await log(created.id)).toEqual([
        expect.objectContaining({
          sequence: 1,
          type: 'AGREEMENT_CREATED',
          toStage: AgreementStage.NEGOTIATION,
          actor: 'kr-desk',
          note: 'Talks open',
          sourceUrl: 'https://example.org/a',
        }),
      ]);
    });

    it('registers an agreement already ratified, with its required parties APPROVED, for an ADMIN only', async () => {
      const stageEnteredAt = new Date('2020-05-01T00:00:00Z');
      const ratified = await service.create(
        input({ stage: AgreementStage.RATIFIED, stageEnteredAt }),
        admin,
      );
      expect(ratified).toMatchObject({ stage: AgreementStage.RATIFIED, stageEnteredAt });
      expect(ratified.parties.map((p) => p.approvalStatus)).toEqual([
        ApprovalStatus.NOT_REQUIRED,
        ApprovalStatus.APPROVED,
      ]);
      await expect(
        service.create(input({ stage: AgreementStage.SIGNED }), editor),
      ).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        details: { requiredRole: Role.ADMIN },
      });
      expect(await log()).toHaveLength(1);
    });

    it('refuses a predecessor that is unknown, or already replaced', async () => {
      const old = await service.create(input(), admin);
      await service.create(input({ predecessorId: old.id }), admin);
      await expect(service.create(input({ predecessorId: old.id }), admin)).rejects.toMatchObject({
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: { predecessorId: expect.stringContaining('already replaced') } },
      });
      await expect(
        service.create(input({ predecessorId: '00000000-0000-4000-8000-000000000000' }), admin),
      ).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
      expect(await log()).toHaveLength(2);
    });
  });

  describe('update', () => {
    it('changes the given details, clears with null, bumps the version, and records the changed fields', async () => {
      const created = await service.create(input({ shortTitle: 'ACT', summary: 'Draft' }), admin);
      const updated = await service.update(
        {
          agreementId: created.id,
          title: 'Agreement on Cooperation (revised)',
          shortTitle: null,
          summary: 'Draft',
          expectedVersion: 1,
        },
        editor,
      );
      expect(updated).toMatchObject({
        title: 'Agreement on Cooperation (revised)',
        shortTitle: null,
        summary: 'Draft',
        version: 2,
      });
      expect((await log(created.id))[1]).toMatchObject({
        type: 'DETAILS_UPDATED',
        changedFields: ['title', 'shortTitle'],
        actor: 'kr-desk',
      });
    });

    it('writes nothing when nothing changes', async () => {
      const created = await service.create(input(), admin);
      const same = await service.update({ agreementId: created.id, title: created.title }, editor);
      expect(same.version).toBe(1);
      expect(await log(created.id)).toHaveLength(1);
    });

    it('refuses a predecessor chain that would loop', async () => {
      const a = await service.create(input({ title: 'A' }), admin);
      const b = await service.create(input({ title: 'B', predecessorId: a.id }), admin);
      await expect(
        service.update({ agreementId: a.id, predecessorId: b.id }, admin),
      ).rejects.toMatchObject({
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: { predecessorId: expect.stringContaining('cannot replace itself') } },
      });
      await expect(
        service.update({ agreementId: a.id, predecessorId: a.id }, admin),
      ).rejects.toMatchObject({
        code: ErrorCode.BAD_USER_INPUT,
      });
    });

    it('refuses a stale expectedVersion', async () => {
      const created = await service.create(input(), admin);
      await expect(
        service.update({ agreementId: created.id, title: 'X', expectedVersion: 2 }, admin),
      ).rejects.toMatchObject({
        code: ErrorCode.VERSION_CONFLICT,
        details: { expectedVersion: 2, actualVersion: 1 },
      });
    });
  });

  describe('list', () => {
    it('filters by stage, party and a case-insensitive part of the title, and pages with cursors', async () => {
      const first = await service.create(
        input({ title: 'Ärztliche Zusammenarbeit', shortTitle: 'ÄZ' }),
        admin,
      );
      await service.create(
        input({
          title: '100% tariffs_deal',
          parties: [
            { code: 'FR', name: 'France', approvalRequired: true },
            { code: 'DE', name: 'Germany', approvalRequired: true },
          ],
        }),
        admin,
      );
      await service.create(input({ title: 'Third', stage: AgreementStage.SIGNED }), admin);
      const titles = async (args: object) =>
        (await service.list({ first: 20, ...args })).edges.map((edge) => edge.node.title);

      expect(await titles({ search: 'äRZTL' })).toEqual(['Ärztliche Zusammenarbeit']);
      expect(await titles({ search: 'äz' })).toEqual(['Ärztliche Zusammenarbeit']);
      expect(await titles({ search: '%' })).toEqual(['100% tariffs_deal']);
      expect(await titles({ search: 's_d' })).toEqual(['100% tariffs_deal']);
      expect(await titles({ search: 'x_y' })).toEqual([]);
      expect(await titles({ partyCode: 'FR' })).toEqual(['100% tariffs_deal']);
      expect(await titles({ partyCode: 'KR', stage: AgreementStage.SIGNED })).toEqual(['Third']);

      const page1 = await service.list({ first: 2 });
      expect(page1).toMatchObject({ pageInfo: { hasNextPage: true } });
      expect(await page1.totalCount).toBe(3);
      expect(page1.edges[0].node.id).toBe(first.id);
      const page2 = await service.list({ first: 2, after: page1.pageInfo.endCursor! });
      expect(page2).toMatchObject({ pageInfo: { hasNextPage: false } });
      expect(await page2.totalCount).toBe(3);
      expect(page2.edges.map((edge) => edge.node.title)).toEqual(['Third']);

      const newest = await service.list({ first: 20, last: 2 });
      expect(newest.edges.map((edge) => edge.node.title)).toEqual(['100% tariffs_deal', 'Third']);
      expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    });
  });

  describe('approval steps', () => {
    async function inReview() {
      const created = await service.create(
        input({ stage: AgreementStage.SIGNED, stageEnteredAt: new Date('2021-03-08T00:00:00Z') }),
        admin,
      );
      return service.advance(
        { agreementId: created.id, action: WorkflowAction.SUBMIT_FOR_APPROVAL },
        admin,
      );
    }

    it('keeps the last recorded vote on the party and each vote on its event', async () => {
      const agreement = await inReview();
      const step = (status: ApprovalStatus, votes = {}) =>
        service.recordApprovalStep(
          { agreementId: agreement.id, partyCode: 'KR', status, ...votes },
          editor,
        );
      await step(ApprovalStatus.IN_COMMITTEE);
      await step(ApprovalStatus.COMMITTEE_APPROVED, { votesFor: 15, votesAgainst: 3 });
      const ratified = await step(ApprovalStatus.APPROVED);
      expect(ratified.stage).toBe(AgreementStage.RATIFIED);
      expect(ratified.parties[1]).toMatchObject({
        approvalStatus: ApprovalStatus.APPROVED,
        votesFor: 15,
        votesAgainst: 3,
        abstentions: null,
      });
      const history = await log(agreement.id);
      expect(
        history
          .slice(2)
          .map((e) => [e.type, e.approvalStatus ?? e.action ?? e.partyAction, e.votesFor, e.actor]),
      ).toEqual([
        ['APPROVAL_UPDATED', ApprovalStatus.IN_COMMITTEE, null, 'kr-desk'],
        ['APPROVAL_UPDATED', ApprovalStatus.COMMITTEE_APPROVED, 15, 'kr-desk'],
        ['APPROVAL_UPDATED', ApprovalStatus.APPROVED, null, 'kr-desk'],
        ['STAGE_CHANGED', WorkflowAction.RATIFY, null, 'system'],
        // Under MANUAL the ratification is the record of both parties' consent.
        ['PARTY_UPDATED', 'CONSENT', null, 'system'],
        ['PARTY_UPDATED', 'CONSENT', null, 'system'],
      ]);
    });

    it('rejects on a rejection and resets the track on RENEGOTIATE, each a derived event', async () => {
      const agreement = await inReview();
      await service.recordApprovalStep(
        { agreementId: agreement.id, partyCode: 'KR', status: ApprovalStatus.SUBMITTED },
        editor,
      );
      const rejected = await service.recordApprovalStep(
        {
          agreementId: agreement.id,
          partyCode: 'KR',
          status: ApprovalStatus.REJECTED,
          votesFor: 80,
          votesAgainst: 190,
        },
        editor,
      );
      expect(rejected.stage).toBe(AgreementStage.REJECTED);
      const renegotiating = await service.advance(
        { agreementId: agreement.id, action: WorkflowAction.RENEGOTIATE },
        admin,
      );
      expect(renegotiating).toMatchObject({
        stage: AgreementStage.NEGOTIATION,
        version: rejected.version + 1,
      });
      expect(renegotiating.parties[1]).toMatchObject({
        approvalStatus: ApprovalStatus.PENDING,
        votesFor: 80,
      });
      const tail = (await log(agreement.id)).slice(-4);
      expect(tail.map((e) => [e.type, e.action ?? e.approvalStatus, e.actor])).toEqual([
        ['APPROVAL_UPDATED', ApprovalStatus.REJECTED, 'kr-desk'],
        ['STAGE_CHANGED', WorkflowAction.REJECT, 'system'],
        ['STAGE_CHANGED', WorkflowAction.RENEGOTIATE, 'treaty-office'],
        ['APPROVAL_UPDATED', ApprovalStatus.PENDING, 'system'],
      ]);
    });

    it('leaves no trace of a refused step', async () => {
      const agreement = await inReview();
      await expect(
        service.recordApprovalStep(
          { agreementId: agreement.id, partyCode: 'US', status: ApprovalStatus.APPROVED },
          editor,
        ),
      ).rejects.toMatchObject({ code: ErrorCode.INVALID_TRANSITION });
      expect(await service.findById(agreement.id)).toEqual(agreement);
      expect(await log(agreement.id)).toHaveLength(2);
    });
  });
});
