import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { columns, Database } from '../database/database.service.js';
import { insertInto, update } from '../database/statements.js';
import { imitates } from './confusables.js';
import { ApiTokenEntity } from './entities/api-token.entity.js';
import { BOOTSTRAP_ADMIN, RESERVED_ACTOR_NAMES, type Principal } from './principal.js';
import type { Role } from './role.js';

const TOKEN_PREFIX = 'rat_';
/** `lastUsedAt` is written at most this often per token, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (value: string) => hash('sha256', value, 'buffer');

/** The token of an `Authorization` value of the form `Bearer <token>` (any case), or null. */
export function bearerToken(authorization: unknown): string | null {
  const match = typeof authorization === 'string' && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : null;
}

@Injectable()
export class ApiTokensService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiTokensService.name);
  private readonly bootstrapHash: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: Database,
  ) {
    this.bootstrapHash = config.adminToken ? sha256(config.adminToken) : null;
  }

  /** Says at start when nothing could write: every mutation would be refused. */
  async onApplicationBootstrap(): Promise<void> {
    const warning = await this.writersWarning();
    if (warning) {
      this.logger.warn(warning);
    }
  }

  /** Why no write can be made now (no ADMIN_TOKEN and no active token), or null. */
  async writersWarning(): Promise<string | null> {
    if (this.bootstrapHash) {
      return null;
    }
    const [active] = await this.db.select(
      'SELECT 1 FROM "api_token" WHERE "revokedAt" IS NULL LIMIT 1',
    );
    return active
      ? null
      : 'No token can write: ADMIN_TOKEN is not set and no API token is active, so every mutation is refused. Set ADMIN_TOKEN (16 characters or more), or create a token with `npm run token -- create --name NAME --role ADMIN`.';
  }

  /** The principal behind an `Authorization` value, or UNAUTHENTICATED. */
  async authenticate(authorization: unknown): Promise<Principal> {
    if (authorization === undefined || authorization === null || authorization === '') {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        'This operation needs a token: send the header Authorization: Bearer <token>.',
      );
    }
    const secret = bearerToken(authorization);
    if (!secret) {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        'The Authorization value must have the form "Bearer <token>".',
      );
    }
    const hash = sha256(secret);
    // Both sides are SHA-256 digests of equal length: the comparison takes the same time
    // whatever the token, so it tells nothing about ADMIN_TOKEN.
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) {
      return BOOTSTRAP_ADMIN;
    }
    const [token] = (
      await this.db.select('SELECT * FROM "api_token" WHERE "tokenHash" = ?', [
        hash.toString('hex'),
      ])
    ).map(apiTokenFrom);
    if (!token || token.revokedAt) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The token is not valid or was revoked.');
    }
    await this.touch(token);
    return { name: token.name, role: token.role, tokenId: token.id };
  }

  /** Creates a token; the secret is in the result and nowhere else. */
  async create(name: string, role: Role): Promise<{ token: string; apiToken: ApiTokenEntity }> {
    const reserved = RESERVED_ACTOR_NAMES.find((actor) => imitates(name, actor));
    if (reserved !== undefined) {
      throw DomainError.badInput({
        name:
          name === reserved
            ? `${name} is reserved; choose another name`
            : `${name} imitates the reserved name ${reserved}; choose another name`,
      });
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const apiToken = await this.db.write(async (tx) => {
      // Look-alikes have no index to find them by, so every name is read: revoked tokens' too,
      // since their names stay in the log. There are few, written by hand.
      const names = (await tx.select('SELECT "name" FROM "api_token"')).map((row) =>
        String(row.name),
      );
      const taken = names.includes(name) ? name : names.find((other) => imitates(name, other));
      if (taken !== undefined) {
        throw DomainError.badInput({
          name:
            taken === name
              ? `a token named ${name} exists already; names identify actors in the log`
              : `${name} imitates the token named ${taken}; names identify actors in the log`,
        });
      }
      const entity = Object.assign(new ApiTokenEntity(), {
        id: randomUUID(),
        name,
        role,
        tokenHash: sha256(token).toString('hex'),
        createdAt: new Date(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await insertInto(tx.execute, 'api_token', [{ ...entity }]);
      return entity;
    });
    return { token, apiToken };
  }

  async revoke(id: string): Promise<ApiTokenEntity> {
    return this.db.write(async (tx) => {
      const [token] = (await tx.select('SELECT * FROM "api_token" WHERE "id" = ?', [id])).map(
        apiTokenFrom,
      );
      if (!token) {
        throw DomainError.notFound('API token', id);
      }
      if (!token.revokedAt) {
        token.revokedAt = new Date();
        await update(tx.execute, 'api_token', { revokedAt: token.revokedAt }, { id });
      }
      return token;
    });
  }

  async list(): Promise<ApiTokenEntity[]> {
    const rows = await this.db.select('SELECT * FROM "api_token" ORDER BY "createdAt", "id"');
    return rows.map(apiTokenFrom);
  }

  /** Which of these token ids are revoked (or gone). */
  async revokedAmong(ids: readonly string[]): Promise<Set<string>> {
    const valid = new Set<string>();
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = await this.db.select<{ id: string }>(
        `SELECT "id" FROM "api_token" WHERE "revokedAt" IS NULL AND "id" IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      rows.forEach((row) => valid.add(row.id));
    }
    return new Set(ids.filter((id) => !valid.has(id)));
  }

  private async touch(token: ApiTokenEntity): Promise<void> {
    const now = new Date();
    if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) {
      return;
    }
    await this.db.write((tx) =>
      update(tx.execute, 'api_token', { lastUsedAt: now }, { id: token.id }),
    );
  }
}

function apiTokenFrom(row: Record<string, unknown>): ApiTokenEntity {
  return Object.assign(new ApiTokenEntity(), row, {
    createdAt: columns.date(row.createdAt),
    lastUsedAt: columns.dateOrNull(row.lastUsedAt),
    revokedAt: columns.dateOrNull(row.revokedAt),
  });
}
