/**
 * Every GraphQL operation the web app sends, in one place: the app reads and writes through the
 * public API only, and test/web/operations.spec.ts checks each of these against schema.gql.
 */

/** The fields the app reads of an event, for its timeline and its announcements. */
export const EVENT_FIELDS = `sequence cursor agreementId type action fromStage toStage partyCode partyAction
  partyStatus approvalStatus consentMeans reference votesFor votesAgainst abstentions
  changedFields occurredAt recordedAt actor note sourceUrl
  body stepKind yesPercent turnoutPercent binding partyApprovalStatus attempt`;

export const LIVE_EVENTS = `subscription LiveEvents($after: String, $agreementId: ID) {
  agreementEvents(after: $after, agreementId: $agreementId) { ${EVENT_FIELDS} }
}`;

/** The cursor of the newest event in the log (log.ts). */
export const LOG_HEAD = `query LogHead { events(last: 1) { edges { cursor } } }`;

export const VIEWER = `query Viewer { viewer { name role } }`;

export const AGREEMENT_LIST = `query AgreementList($search: String, $stage: AgreementStage, $partyCode: String,
    $partyStatus: PartyStatus, $after: String) {
  agreements(first: 50, after: $after, search: $search, stage: $stage, partyCode: $partyCode,
      partyStatus: $partyStatus) {
    totalCount
    edges { node { id title shortTitle kind stage stageEnteredAt parties { code status } } }
    pageInfo { hasNextPage endCursor }
  }
  workflow { stages partyStatuses }
}`;

/**
 * How many of each party's newest procedure steps the agreement's page reads: each counts in the
 * query's cost once per party (250 at most), so the page asks for a few; a party's history on
 * the page lists every step.
 */
export const PROCEDURE_STEPS = 12;

const AGREEMENT_FIELDS = `id title shortTitle summary kind stage stageEnteredAt signedAt expiresAt
  version availableActions
  predecessor { id title shortTitle stage } successor { id title shortTitle stage }
  entryIntoForce {
    rule { kind instruments share requiredParties daysAfter monthStart date }
    consents share missingParties conditionMetAt date
  }
  scheduled { kind partyCode at }
  parties { code name legislature status approvalRequired approvalStatus approvalUpdatedAt
    votesFor votesAgainst abstentions signedAt consentedAt consentMeans consentReference
    inForceFrom provisionalApplicationFrom withdrawalNoticeAt withdrawalEffectiveAt
    availableActions availableApprovalSteps bodies currentBody approvalAttempt
    procedure(last: ${PROCEDURE_STEPS}) { sequence body kind status partyApprovalStatus attempt
      votesFor votesAgainst abstentions yesPercent turnoutPercent binding occurredAt note sourceUrl }
  }`;

/** The agreement with its newest 100 events: enough to draw the page at once. */
export const AGREEMENT_PAGE = `query AgreementPage($id: ID!) {
  agreement(id: $id) {
    ${AGREEMENT_FIELDS}
    timeline(last: 100) { edges { node { ${EVENT_FIELDS} } } pageInfo { hasPreviousPage } }
  }
  workflow {
    stages transitions { action from to guard }
    approvalTrack { stepKinds { kind statuses tallies figures } }
  }
}`;
/** A page of its events, oldest first. */
export const AGREEMENT_TIMELINE = `query AgreementTimeline($id: ID!, $after: String) {
  agreement(id: $id) {
    id
    timeline(first: 100, after: $after) {
      edges { node { ${EVENT_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
export const AGREEMENT_REFRESH = `query AgreementRefresh($id: ID!) { agreement(id: $id) { ${AGREEMENT_FIELDS} } }`;

export const RECORD = {
  workflow: `mutation AdvanceAgreement($input: AdvanceAgreementInput!) {
    advanceAgreement(input: $input) { id version }
  }`,
  party: `mutation RecordPartyAction($input: RecordPartyActionInput!) {
    recordPartyAction(input: $input) { id version }
  }`,
  approval: `mutation RecordApprovalStep($input: RecordApprovalStepInput!) {
    recordApprovalStep(input: $input) { id version }
  }`,
};
