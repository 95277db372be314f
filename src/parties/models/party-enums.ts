import { registerEnumType } from '@nestjs/graphql';
import {
  ConsentMeans,
  PARTY_TRANSITIONS,
  PartyAction,
  PartyMove,
  PartyStatus,
} from '../../workflow/index.js';

/**
 * One GraphQL enum `PartyAction` for what a person records and what the server does for a party:
 * the rows of `Workflow.partyTransitions` and the `partyAction` of an event carry both, and a
 * request naming a move is refused (INVALID_TRANSITION) for a reason the client can read.
 */
export const PartyActionOrMove = { ...PartyAction, ...PartyMove };
export type PartyActionOrMove = PartyAction | PartyMove;

registerEnumType(PartyActionOrMove, {
  name: 'PartyAction',
  description:
    "What happens on a party's path to being bound: see `workflow { partyTransitions }` for where each leads.",
  valuesMap: Object.fromEntries(
    PARTY_TRANSITIONS.flatMap((row) =>
      row.derived
        ? [[row.action, { description: `Made by the server, never requested: when ${row.when}.` }]]
        : [],
    ),
  ),
});

registerEnumType(PartyStatus, {
  name: 'PartyStatus',
  description:
    'A party’s path to being bound: NEGOTIATING -> SIGNATORY -> CONSENTED -> PARTY (in force for it) -> WITHDRAWING -> WITHDRAWN; or NOT_INTENDING.',
});

registerEnumType(ConsentMeans, {
  name: 'ConsentMeans',
  description: 'How a state expressed its consent to be bound (VCLT arts 11-16).',
});
