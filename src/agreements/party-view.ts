import type { AgreementStage } from '../workflow/index.js';
import type { AgreementEntity } from './entities/agreement.entity.js';
import type { PartyEntity } from './entities/party.entity.js';

/** A party as the API serves it: its row, and its agreement's stage, on which its actions depend. */
export type PartyView = PartyEntity & { readonly agreementStage: AgreementStage };

/** The agreement's parties as views: each reads through to its row, nothing is copied. */
export function partyViews(agreement: AgreementEntity): PartyView[] {
  const stage = { value: agreement.stage, enumerable: true };
  return agreement.parties.map(
    (party) => Object.create(party, { agreementStage: stage }) as PartyView,
  );
}
