import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal.js';
import { Role, roleAllows } from '../auth/role.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import {
  encodeCursor,
  pageRequest,
  toConnection,
  type Connection,
  type PageRequest,
} from '../common/pagination.js';
import { columns, Database, type Select } from '../database/database.service.js';
import { insertInto } from '../database/statements.js';
import {
  AgreementEventType,
  type AgreementEventEntity,
} from '../events/entities/agreement-event.entity.js';
import { EventLog, type LogWriter } from '../events/event-log.service.js';
import {
  AgreementStage,
  APPROVAL_STEPS,
  FINAL_APPROVAL_STATUSES,
  recordApprovalStep as approvalStepOutcome,
  registeredState,
  REJECTABLE_FROM,
  approvalDerivations,
  FINAL_STAGES,
  DEFAULT_WITHDRAWAL_NOTICE_MONTHS,
  ruleChangeRefusal,
  ruleRefusal,
  validateEntryIntoForceRule,
  PARTY_STATUSES,
  progressOf,
  type ScheduledMove,
  type ScheduledMoveKind,
  PARTY_TRANSITIONS,
  registeredBinding,
  STAGES,
  STEP_KINDS,
  transition,
  TRANSITIONS,
} from '../workflow/index.js';
import type { AdvanceAgreementInput } from './dto/advance-agreement.input.js';
import type { AgreementsArgs } from './dto/agreements.args.js';
import type { CreateAgreementInput } from './dto/create-agreement.input.js';
import type { RecordApprovalStepInput } from './dto/record-approval-step.input.js';
import {
  DETAIL_FIELDS,
  CLAUSE_FIELDS,
  type DetailField,
  type UpdateAgreementInput,
} from './dto/update-agreement.input.js';
import { AgreementCache } from './agreement-cache.js';
import { agreementRowWithEvents, loadAgreements } from './agreement-rows.js';
import {
  applyOutcome,
  bodiesProblems,
  commitChange,
  newPartyRow,
  lockForChange,
  reload,
  stateOf,
} from './agreement-writes.js';
import { AgreementEntity } from './entities/agreement.entity.js';
import { normalizedRule, settleAgreement, storedRule, treatyStateOf } from './clauses.js';
import { once } from './idempotency.js';
import type { Workflow } from './models/workflow.model.js';

const AGREEMENT_CURSOR = 'agreement';

/**
 * Agreements and their parties: reads, and the writes that go through the workflow. Every write
 * is one transaction of the event log, so the change and its events commit together or not at all.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly cache: AgreementCache,
  ) {}

  // --- Reads ---------------------------------------------------------------------------------

  findById(id: string): Promise<AgreementEntity | null> {
    return this.byId.load(id);
  }

  successorOf(agreement: AgreementEntity): Promise<AgreementEntity | null> {
    return this.byPredecessor.load(agreement.id);
  }

  /**
   * Loads asked for in the same tick (an agreement's predecessor and successor, every event's
   * agreement in a list) go to the database as one statement rather than one each. Nothing is
   * cached: each batch reads what is committed now.
   */
  private readonly byId = this.loader('id');
  private readonly byPredecessor = this.loader('predecessorId');

  private loader(column: 'id' | 'predecessorId') {
    return new DataLoader<string, AgreementEntity | null>(
      async (values) => {
        const loaded = await loadAgreements(this.db.select, column, values, this.cache);
        this.cache.rememberAll(loaded);
        const found = new Map(loaded.map((agreement) => [agreement[column], agreement]));
        return values.map((value) => found.get(value) ?? null);
      },
      { cache: false, maxBatchSize: 100 },
    );
  }

  /**
   * Whether `findWithTimeline` saves anything: on PostgreSQL it is a round trip fewer; a read of
   * a SQLite file is a call into this process, and reading ahead would only add work.
   */
  get readsTimelineAhead(): boolean {
    return this.db.dialect === 'postgres';
  }

  /**
   * The agreement `id` with the page `page` of its timeline, read together on PostgreSQL
   * (`agreementRowWithEvents`), the page kept on the object returned (`timelineRead`).
   */
  async findWithTimeline(id: string, page: PageRequest): Promise<AgreementEntity | null> {
    const [row, events] = await agreementRowWithEvents(this.db, id, page);
    if (!row) {
      return null;
    }
    const [agreement] = await this.cache.withParties(this.db.select, [row]);
    this.cache.remember(agreement);
    // A copy: what the cache keeps holds no page of events.
    return Object.assign(new AgreementEntity(), agreement, {
      timelineRead: { page, connection: this.log.pageFrom({ agreementId: id }, page, events) },
    });
  }

  /** The page of `agreement`'s timeline read with it by `findWithTimeline`, if it is `page`. */
  timelineRead(
    agreement: AgreementEntity,
    page: PageRequest,
  ): Connection<AgreementEventEntity> | undefined {
    const read = agreement.timelineRead;
    return read &&
      read.page.after === page.after &&
      read.page.size === page.size &&
      read.page.fromEnd === page.fromEnd
      ? read.connection
      : undefined;
  }

  predecessorOf(agreement: AgreementEntity): Promise<AgreementEntity | null> {
    return agreement.predecessorId ? this.findById(agreement.predecessorId) : Promise.resolve(null);
  }

  /** Agreements in the order they were registered, filtered as asked. */
  async list(args: AgreementsArgs): Promise<Connection<AgreementEntity>> {
    const page = pageRequest(AGREEMENT_CURSOR, args);
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (args.stage) {
      conditions.push('a."stage" = ?');
      params.push(args.stage);
    }
    if (args.partyCode && !args.partyStatus) {
      conditions.push(
        'EXISTS (SELECT 1 FROM "party" p WHERE p."agreementId" = a."id" AND p."code" = ?)',
      );
      params.push(args.partyCode);
    }
    if (args.partyStatus) {
      // With partyCode: that party has this status; alone: some party has it.
      conditions.push(
        `EXISTS (SELECT 1 FROM "party" p WHERE p."agreementId" = a."id" AND p."status" = ?${args.partyCode ? ' AND p."code" = ?' : ''})`,
      );
      params.push(args.partyStatus, ...(args.partyCode ? [args.partyCode] : []));
    }
    if (args.search) {
      conditions.push(`a."searchText" LIKE ? ESCAPE '\\'`);
      params.push(`%${escapeLike(args.search.toLowerCase())}%`);
    }
    const filter = conditions.length > 0 ? conditions.join(' AND ') : '1 = 1';
    const rows = await this.db.select(
      `SELECT a.* FROM "agreement" a WHERE ${filter} AND a."createdSequence" > ?
       ORDER BY a."createdSequence" ${page.fromEnd ? 'DESC' : 'ASC'} LIMIT ?`,
      [...params, page.after, page.size + 1],
    );
    const agreements = await this.cache.withParties(this.db.select, rows);
    this.cache.rememberAll(agreements);
    const total = async () => {
      const [{ count }] = await this.db.select<{ count: number | string }>(
        `SELECT COUNT(*) AS "count" FROM "agreement" a WHERE ${filter}`,
        params,
      );
      return Number(count);
    };
    return toConnection(agreements, page, total, (agreement) =>
      encodeCursor(AGREEMENT_CURSOR, agreement.createdSequence),
    );
  }

  /** The agreement's clause and where it stands (computed from its parties: no statement). */
  entryIntoForce(agreement: AgreementEntity) {
    return { rule: agreement.entryIntoForceRule, ...progressOf(treatyStateOf(agreement)) };
  }

  /** Its scheduled moves, soonest first; no statement when it has none. */
  async scheduled(agreement: AgreementEntity): Promise<ScheduledMove[]> {
    if (!agreement.nextMoveAt) {
      return [];
    }
    const rows = await this.db.select<{ kind: ScheduledMoveKind; partyCode: string; at: unknown }>(
      'SELECT "kind", "partyCode", "at" FROM "scheduled_move" WHERE "agreementId" = ? ORDER BY "at", "kind", "partyCode"',
      [agreement.id],
    );
    return rows.map((row) => ({
      kind: row.kind,
      partyCode: row.partyCode || null,
      at: columns.date(row.at),
    }));
  }

  /** The stage table as the `workflow` query shows it. */
  workflow(): Workflow {
    return {
      stages: [...STAGES],
      transitions: TRANSITIONS.map((row) => ({
        action: row.action,
        from: [...row.from],
        to: row.to,
        guard: row.guard?.description ?? null,
      })),
      approvalTrack: {
        steps: [...APPROVAL_STEPS],
        rejectableFrom: [...REJECTABLE_FROM],
        final: [...FINAL_APPROVAL_STATUSES],
        stepKinds: STEP_KINDS.map((rule) => ({ ...rule, statuses: [...rule.statuses] })),
      },
      partyStatuses: [...PARTY_STATUSES],
      partyTransitions: PARTY_TRANSITIONS.map((row) => ({
        action: row.action,
        from: [...row.from],
        to: row.to,
        guard: row.guard?.description ?? null,
        derived: row.derived ?? false,
        when: row.derived ? row.when : null,
      })),
    };
  }

  // --- Writes --------------------------------------------------------------------------------

  create(input: CreateAgreementInput, actor: Principal): Promise<AgreementEntity> {
    return this.committed((log) => this.createIn(log, input, actor));
  }

  update(input: UpdateAgreementInput, actor: Principal): Promise<AgreementEntity> {
    return this.committed((log) => this.updateIn(log, input, actor));
  }

  advance(input: AdvanceAgreementInput, actor: Principal): Promise<AgreementEntity> {
    return this.committed((log) =>
      once(log, actor, 'advanceAgreement', input, () => this.advanceIn(log, input, actor)),
    );
  }

  recordApprovalStep(input: RecordApprovalStepInput, actor: Principal): Promise<AgreementEntity> {
    return this.committed((log) =>
      once(log, actor, 'recordApprovalStep', input, () =>
        this.recordApprovalStepIn(log, input, actor),
      ),
    );
  }

  /** A write, whose agreement is remembered with its parties (AgreementCache.write). */
  private committed(work: (log: LogWriter) => Promise<AgreementEntity>): Promise<AgreementEntity> {
    return this.cache.write(this.log, work);
  }

  private async recordApprovalStepIn(
    log: LogWriter,
    input: RecordApprovalStepInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const agreement = await lockForChange(
      log,
      input.agreementId,
      input.expectedVersion,
      this.cache,
    );
    const occurredAt = input.occurredAt ?? new Date();
    const outcome = approvalStepOutcome(
      stateOf(agreement),
      input.partyCode,
      input,
      occurredAt,
      approvalDerivations(agreement.entryIntoForceRule.kind),
    );
    // A vote is recorded whole: counts not given are unknown, not carried over.
    const counts = [input.votesFor, input.votesAgainst, input.abstentions];
    const vote = counts.some((count) => count != null)
      ? {
          votesFor: input.votesFor ?? null,
          votesAgainst: input.votesAgainst ?? null,
          abstentions: input.abstentions ?? null,
        }
      : {};
    const referendum = {
      yesPercent: input.yesPercent ?? null,
      turnoutPercent: input.turnoutPercent ?? null,
    };
    return applyOutcome(log, agreement, outcome, {
      ...input,
      actor,
      occurredAt,
      vote,
      referendum,
    });
  }

  /** Creation inside a caller's transaction (the demo seed writes several at once). */
  async createIn(
    log: LogWriter,
    input: CreateAgreementInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const stage = input.stage ?? AgreementStage.NEGOTIATION;
    if (stage !== AgreementStage.NEGOTIATION && !roleAllows(actor.role, Role.ADMIN)) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `Registering an agreement at ${stage} needs the ADMIN role; an ${actor.role} registers agreements in NEGOTIATION.`,
        { requiredRole: Role.ADMIN },
      );
    }
    const now = new Date();
    const state = registeredState(stage, input.parties, input.stageEnteredAt ?? now);
    const binding = registeredBinding(stage, state.stageEnteredAt);
    const rule = normalizedRule(input.entryIntoForce);
    const ruleErrors = {
      ...validateEntryIntoForceRule(rule, input.parties),
      ...bodiesProblems(input.parties, (index) => `parties.${index}`),
    };
    if (Object.keys(ruleErrors).length > 0) {
      throw DomainError.badInput(ruleErrors);
    }
    if (input.predecessorId) {
      await checkPredecessor(log.select, input.predecessorId, null);
    }
    const id = randomUUID();
    const [created] = await log.append([
      {
        agreementId: id,
        type: AgreementEventType.AGREEMENT_CREATED,
        toStage: stage,
        occurredAt: state.stageEnteredAt,
        actor: actor.name,
        note: input.note ?? null,
        sourceUrl: input.sourceUrl ?? null,
      },
    ]);
    await insertInto(log.execute, 'agreement', [
      {
        id,
        title: input.title,
        shortTitle: input.shortTitle ?? null,
        kind: input.kind,
        summary: input.summary ?? null,
        termYears: input.termYears ?? null,
        predecessorId: input.predecessorId ?? null,
        stage,
        stageEnteredAt: state.stageEnteredAt,
        signedAt: stage === AgreementStage.SIGNED ? state.stageEnteredAt : null,
        entryIntoForce: storedRule(rule),
        withdrawalNoticeMonths: input.withdrawalNoticeMonths ?? DEFAULT_WITHDRAWAL_NOTICE_MONTHS,
        expiresAt: input.expiresAt ?? null,
        inForceAt: stage === AgreementStage.IN_FORCE ? state.stageEnteredAt : null,
        version: 1,
        createdSequence: created.sequence,
        searchText: searchTextOf(input),
        createdAt: now,
        updatedAt: now,
      },
    ]);
    await insertInto(
      log.execute,
      'party',
      input.parties.map((party, position) =>
        newPartyRow(id, party, position, state.parties[position].approvalStatus, binding),
      ),
    );
    // Registered with its clauses: what they make due by now belongs to the registration.
    const registered = await reload(log, id);
    const settlement = settleAgreement(registered, now);
    if (settlement.moves.length === 0 && settlement.scheduled.length === 0) {
      return registered;
    }
    return commitChange(
      log,
      registered,
      { values: {}, parties: new Map(), events: [] },
      { actor, sourceUrl: input.sourceUrl },
      { now, bump: false },
    );
  }

  /** A workflow action inside a caller's transaction. */
  async advanceIn(
    log: LogWriter,
    input: AdvanceAgreementInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const agreement = await lockForChange(
      log,
      input.agreementId,
      input.expectedVersion,
      this.cache,
    );
    const occurredAt = input.occurredAt ?? new Date();
    const refusal = ruleRefusal(agreement.entryIntoForceRule.kind, input.action);
    if (refusal) {
      throw new DomainError(
        ErrorCode.INVALID_TRANSITION,
        `Cannot ${input.action} an agreement in ${agreement.stage}: ${refusal}.`,
        {
          stage: agreement.stage,
          action: input.action,
          availableActions: agreement.availableActions,
          reason: refusal,
        },
      );
    }
    const outcome = transition(stateOf(agreement), input.action, occurredAt);
    return applyOutcome(log, agreement, outcome, { ...input, actor, occurredAt });
  }

  private async updateIn(
    log: LogWriter,
    input: UpdateAgreementInput,
    actor: Principal,
  ): Promise<AgreementEntity> {
    const fields = [...DETAIL_FIELDS, ...CLAUSE_FIELDS];
    const given = fields.filter((field) => input[field] !== undefined);
    if (given.length === 0) {
      throw DomainError.badInput({
        input: `give at least one of ${fields.join(', ')} to change`,
      });
    }
    const agreement = await lockForChange(
      log,
      input.agreementId,
      input.expectedVersion,
      this.cache,
    );
    const changes: Partial<Pick<AgreementEntity, DetailField>> = {};
    for (const field of DETAIL_FIELDS.filter((name) => input[name] !== undefined)) {
      if (input[field] !== agreement[field]) {
        Object.assign(changes, { [field]: input[field] });
      }
    }
    const clauses = clauseChanges(agreement, input);
    const changedFields = fields.filter(
      (field) =>
        field in changes || (field === 'entryIntoForce' ? 'entryIntoForceRule' : field) in clauses,
    );
    if (changedFields.length === 0) {
      return agreement;
    }
    if (changes.predecessorId) {
      await checkPredecessor(log.select, changes.predecessorId, agreement.id);
    }
    const next = { ...agreement, ...changes };
    return commitChange(
      log,
      agreement,
      {
        values: { ...changes, ...clauses, searchText: searchTextOf(next) },
        parties: new Map(),
        events: [
          {
            agreementId: agreement.id,
            type: AgreementEventType.DETAILS_UPDATED,
            occurredAt: input.occurredAt ?? new Date(),
            actor: actor.name,
            note: input.note ?? null,
            sourceUrl: input.sourceUrl ?? null,
            changedFields,
          },
        ],
      },
      { actor, sourceUrl: input.sourceUrl },
    );
  }
}

/**
 * The clauses an update changes (as the entity's fields), or a
 * BAD_USER_INPUT naming each bad one: a rule invalid for the parties, a rule changed once the
 * agreement is in force (or otherwise final), an expiry set on an agreement that has ended.
 */
function clauseChanges(
  agreement: AgreementEntity,
  input: UpdateAgreementInput,
): Partial<AgreementEntity> {
  const changed: Partial<AgreementEntity> = {};
  const problems: Record<string, string> = {};
  if (input.entryIntoForce !== undefined) {
    const rule = normalizedRule(input.entryIntoForce);
    if (storedRule(rule) !== storedRule(agreement.entryIntoForceRule)) {
      const fixed = ruleChangeRefusal(agreement.stage);
      if (fixed) {
        problems.entryIntoForce = fixed;
      }
      Object.assign(problems, validateEntryIntoForceRule(rule, agreement.parties));
      // A condition met under the old rule says nothing under the new one.
      Object.assign(changed, { entryIntoForceRule: rule, conditionMetAt: null });
    }
  }
  if (
    input.withdrawalNoticeMonths !== undefined &&
    input.withdrawalNoticeMonths !== agreement.withdrawalNoticeMonths
  ) {
    if (input.withdrawalNoticeMonths === null) {
      problems.withdrawalNoticeMonths = 'give a number of months (12 is the usual period)';
    }
    changed.withdrawalNoticeMonths = input.withdrawalNoticeMonths ?? undefined;
  }
  if (
    input.expiresAt !== undefined &&
    (input.expiresAt?.getTime() ?? null) !== (agreement.expiresAt?.getTime() ?? null)
  ) {
    if (FINAL_STAGES.has(agreement.stage)) {
      problems.expiresAt = `the agreement is ${agreement.stage}, a final stage`;
    }
    changed.expiresAt = input.expiresAt;
  }
  if (Object.keys(problems).length > 0) {
    throw DomainError.badInput(problems);
  }
  return changed;
}

/** A predecessor must exist, not be the agreement itself or its own successor, and be free. */
async function checkPredecessor(
  select: Select,
  predecessorId: string,
  agreementId: string | null,
): Promise<void> {
  type Link = { id: string; predecessorId: string | null };
  const link = async (id: string): Promise<Link | null> => {
    const [row] = await select<Link>(
      'SELECT "id", "predecessorId" FROM "agreement" WHERE "id" = ?',
      [id],
    );
    return row ?? null;
  };
  const predecessor = await link(predecessorId);
  if (!predecessor) {
    throw DomainError.badInput({ predecessorId: `no agreement has id ${predecessorId}` });
  }
  const [successor] = await select<{ id: string }>(
    'SELECT "id" FROM "agreement" WHERE "predecessorId" = ?',
    [predecessorId],
  );
  if (successor && successor.id !== agreementId) {
    throw DomainError.badInput({
      predecessorId: `${predecessorId} is already replaced by ${successor.id}`,
    });
  }
  for (let cursor: Link | null = predecessor; cursor;) {
    if (cursor.id === agreementId) {
      throw DomainError.badInput({
        predecessorId: 'an agreement cannot replace itself or one of its own successors',
      });
    }
    cursor = cursor.predecessorId ? await link(cursor.predecessorId) : null;
  }
}

function searchTextOf(agreement: { title: string; shortTitle?: string | null }): string {
  return [agreement.title, agreement.shortTitle].filter(Boolean).join('\n').toLowerCase();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
