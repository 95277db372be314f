import { describe, expect, it } from '@jest/globals';
import { partyMovesOfStage, registeredBinding } from './binding.js';
import { EntryIntoForceKind } from './entry-into-force.js';
import { PartyAction, PartyMove, PartyStatus, type PartyBindingState } from './parties.js';
import { AgreementStage, ApprovalStatus, STAGES, WorkflowAction } from './stages.js';

const at = new Date('2021-09-01T00:00:00.000Z');
const earlier = new Date('2021-01-01T00:00:00.000Z');
const later = new Date('2022-01-01T00:00:00.000Z');

const party = (code: string, status: PartyStatus, extra: Partial<PartyBindingState> = {}) => ({
  code,
  approvalRequired: false,
  approvalStatus: ApprovalStatus.NOT_REQUIRED,
  approvalUpdatedAt: null,
  ...registeredBinding(AgreementStage.NEGOTIATION, at),
  status,
  ...extra,
});

describe('registeredBinding', () => {
  it('gives every stage the status docs/design.md §6 says', () => {
    const expected: Record<string, [PartyStatus, Date | null, Date | null]> = {
      RATIFIED: [PartyStatus.CONSENTED, at, null],
      IN_FORCE: [PartyStatus.PARTY, null, at],
      EXPIRED: [PartyStatus.PARTY, null, null],
      TERMINATED: [PartyStatus.PARTY, null, null],
    };
    for (const stage of STAGES) {
      const binding = registeredBinding(stage, at);
      const [status, consentedAt, inForceFrom] = expected[stage] ?? [
        PartyStatus.NEGOTIATING,
        null,
        null,
      ];
      expect([stage, binding.status, binding.consentedAt, binding.inForceFrom]).toEqual([
        stage,
        status,
        consentedAt,
        inForceFrom,
      ]);
      expect(binding.lastActionAt).toEqual(status === PartyStatus.NEGOTIATING ? null : at);
    }
  });
});

describe('partyMovesOfStage', () => {
  const everyStatus = Object.values(PartyStatus).map((status) => party(status, status));

  it('binds every CONSENTED party, and only those, at entry into force, under every rule', () => {
    for (const kind of Object.values(EntryIntoForceKind)) {
      const moves = partyMovesOfStage(WorkflowAction.ENTER_INTO_FORCE, kind, everyStatus, at);
      expect(moves).toEqual([
        {
          party: expect.objectContaining({
            code: PartyStatus.CONSENTED,
            status: PartyStatus.PARTY,
            inForceFrom: at,
            lastActionAt: at,
          }),
          action: PartyMove.PARTY_IN_FORCE,
          means: null,
          reference: null,
          derived: true,
        },
      ]);
    }
  });

  it('under MANUAL (and FIXED_DATE), ratification consents the parties still NEGOTIATING or SIGNATORY', () => {
    const moves = partyMovesOfStage(
      WorkflowAction.RATIFY,
      EntryIntoForceKind.MANUAL,
      everyStatus,
      at,
    );
    expect(
      partyMovesOfStage(WorkflowAction.RATIFY, EntryIntoForceKind.FIXED_DATE, everyStatus, at),
    ).toEqual(moves);
    expect(moves.map((move) => [move.party.code, move.party.status, move.action])).toEqual([
      [PartyStatus.NEGOTIATING, PartyStatus.CONSENTED, PartyAction.CONSENT],
      [PartyStatus.SIGNATORY, PartyStatus.CONSENTED, PartyAction.CONSENT],
    ]);
    expect(moves[0].party).toMatchObject({ consentedAt: at, consentMeans: null, lastActionAt: at });
  });

  it('keeps a later last action as the party’s last action', () => {
    const [move] = partyMovesOfStage(
      WorkflowAction.RATIFY,
      EntryIntoForceKind.MANUAL,
      [party('FR', PartyStatus.SIGNATORY, { lastActionAt: later, signedAt: earlier })],
      at,
    );
    expect(move.party).toMatchObject({ lastActionAt: later, signedAt: earlier, consentedAt: at });
  });

  it('records no consent at a computed rule’s ratification, nor at any other stage move', () => {
    for (const kind of [EntryIntoForceKind.ALL_PARTIES, EntryIntoForceKind.THRESHOLD]) {
      expect(partyMovesOfStage(WorkflowAction.RATIFY, kind, everyStatus, at)).toEqual([]);
    }
    for (const action of Object.values(WorkflowAction)) {
      if (action === WorkflowAction.RATIFY || action === WorkflowAction.ENTER_INTO_FORCE) {
        continue;
      }
      expect(partyMovesOfStage(action, EntryIntoForceKind.MANUAL, everyStatus, at)).toEqual([]);
    }
  });
});
