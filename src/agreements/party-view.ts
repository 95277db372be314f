import type { AgreementStage, EntryIntoForceKind } from '../workflow/index.js';
import type { AgreementEntity } from './entities/agreement.entity.js';
import type { PartyEntity } from './entities/party.entity.js';

/**
 * A party as the API serves it: its row, and what of its agreement its actions depend on (the
 * stage, and the rule, which decides whether a rejected party may try again).
 */
export type PartyView = PartyEntity & {
  readonly agreementStage: AgreementStage;
  readonly entryIntoForceKind: EntryIntoForceKind;
};

/** The agreement's parties as views: each reads through to its row, nothing is copied. */
export function partyViews(agreement: AgreementEntity): PartyView[] {
  const context = {
    agreementStage: { value: agreement.stage, enumerable: true },
    entryIntoForceKind: { value: agreement.entryIntoForceRule.kind, enumerable: true },
  };
  return agreement.parties.map((party) => Object.create(party, context) as PartyView);
}
