import { createHash } from 'node:crypto';
import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestContexts } from '../auth/request-context.js';
import { pageRequest } from '../common/pagination.js';
import { isPartyCode } from '../common/validation.js';
import { Database } from '../database/database.service.js';
import { AgreementEventType, EVENT_CURSOR } from '../events/entities/agreement-event.entity.js';
import { EventLog, type EventFilter } from '../events/event-log.service.js';
import { readEventNames } from '../events/event-names.js';
import { atomFeed } from './atom.js';

/** The newest this many events matching a feed's filter make the feed. */
export const FEED_ENTRIES = 50;

const EVENT_TYPES = Object.values(AgreementEventType) as string[];
const PARAMETERS = ['agreementId', 'partyCode', 'type'];

/**
 * Atom feeds of the event log, for feed readers and newsroom tools (README, "Feeds"):
 * `/feeds/events.atom` (filtered by `agreementId`, `partyCode` and `type`, each optional) and
 * `/feeds/agreements/{id}.atom`. Each is the newest 50 matching events, read from an index, so
 * that a request costs the same whatever the size of the log; each answers 304 to a reader that
 * holds the current version (`If-None-Match`, or `If-Modified-Since` without it).
 */
@Controller('feeds')
export class FeedsController {
  constructor(
    private readonly log: EventLog,
    private readonly db: Database,
    private readonly contexts: RequestContexts,
  ) {}

  @Get('events.atom')
  async events(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.mayRead(request);
    const filter = this.filterOf(request.query);
    if (filter.agreementId) {
      await this.assertAgreement(filter.agreementId);
    }
    const described = [
      filter.partyCode ? `party ${filter.partyCode}` : '',
      filter.types ? filter.types.map((type) => type.toLowerCase().replace(/_/g, ' ')) : '',
    ]
      .flat()
      .filter(Boolean);
    await this.serve(request, response, filter, {
      title: `Ratify: ${filter.agreementId ? 'changes to one agreement' : 'every change'}${
        described.length ? ` (${described.join('; ')})` : ''
      }`,
      alternate: filter.agreementId ? `/app/agreements/${filter.agreementId}` : '/app',
    });
  }

  @Get('agreements/:file')
  async agreement(
    @Param('file') file: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.mayRead(request);
    const id = /^(.+)\.atom$/.exec(file)?.[1];
    if (!id) {
      throw new NotFoundException(`There is no /feeds/agreements/${file}: feeds end in .atom.`);
    }
    if (Object.keys(request.query).length) {
      throw new BadRequestException(
        `An agreement's feed takes no parameters; /feeds/events.atom takes ${PARAMETERS.join(', ')}.`,
      );
    }
    const title = await this.assertAgreement(id);
    await this.serve(
      request,
      response,
      { agreementId: id },
      { title: `Ratify: ${title}`, alternate: `/app/agreements/${id}` },
    );
  }

  /**
   * With REQUIRE_AUTH_FOR_READS, nothing without a token: checked first, so that a stranger does
   * not even learn which agreements exist (404 or not).
   */
  private async mayRead(request: Request): Promise<void> {
    if (!(await this.contexts.mayRead(request))) {
      throw new UnauthorizedException(
        'This server needs a token for reads (REQUIRE_AUTH_FOR_READS): send Authorization: Bearer <token>.',
      );
    }
  }

  /** The filter a query string asks for; a client error naming each bad parameter. */
  private filterOf(query: Request['query']): EventFilter {
    const problems: string[] = [];
    const unknown = Object.keys(query).filter((name) => !PARAMETERS.includes(name));
    if (unknown.length) {
      problems.push(
        `unknown parameter ${unknown.join(', ')}: the feed takes ${PARAMETERS.join(', ')}`,
      );
    }
    const one = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined) {
        return undefined;
      }
      if (typeof value !== 'string' || value === '') {
        problems.push(`${name} must be given once, and not empty`);
        return undefined;
      }
      return value;
    };
    const agreementId = one('agreementId');
    const partyCode = one('partyCode')?.toUpperCase();
    if (partyCode !== undefined && !isPartyCode(partyCode)) {
      problems.push(
        'partyCode must be an ISO 3166-1 alpha-2 country code such as US or KR (or EU, XK)',
      );
    }
    // `type=A&type=B` or `type=A,B`.
    const rawTypes: unknown[] = query.type === undefined ? [] : [query.type].flat();
    const types = rawTypes.flatMap((value) =>
      typeof value === 'string' ? value.split(',') : [''],
    );
    const badTypes = types.filter((type) => !EVENT_TYPES.includes(type));
    if (badTypes.length) {
      problems.push(`type must be one of ${EVENT_TYPES.join(', ')}`);
    }
    if (problems.length) {
      throw new BadRequestException(`Bad feed request: ${problems.join('; ')}.`);
    }
    return {
      agreementId,
      partyCode,
      types: types.length ? [...new Set(types as AgreementEventType[])].sort() : undefined,
    };
  }

  /** The agreement's title, or 404. */
  private async assertAgreement(id: string): Promise<string> {
    const [row] = await this.db.select<{ title: string; shortTitle: string | null }>(
      'SELECT "title", "shortTitle" FROM "agreement" WHERE "id" = ?',
      [id],
    );
    if (!row) {
      throw new NotFoundException(`There is no agreement ${id}.`);
    }
    return row.shortTitle ?? row.title;
  }

  private async serve(
    request: Request,
    response: Response,
    filter: EventFilter,
    feed: { title: string; alternate: string },
  ): Promise<void> {
    const page = await this.log.page(
      filter,
      pageRequest(EVENT_CURSOR, { first: FEED_ENTRIES, last: FEED_ENTRIES }),
    );
    const events = page.edges.map((edge) => edge.node).sort((a, b) => b.sequence - a.sequence);
    const names = await readEventNames(this.db.select, events);
    // The feed changes with a new matching event, or with a change to an agreement it names
    // (a title, a party's name: each raises the agreement's version).
    const etag = `"${createHash('sha256')
      .update(
        JSON.stringify([
          filter,
          events[0]?.sequence ?? 0,
          [...names.agreements]
            .map(([id, { version }]) => [id, version])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        ]),
      )
      .digest('base64url')
      .slice(0, 27)}"`;
    const lastModified = events[0]?.recordedAt;
    response.set({
      'content-type': 'application/atom+xml; charset=utf-8',
      etag,
      'cache-control': 'no-cache',
      ...(lastModified ? { 'last-modified': lastModified.toUTCString() } : {}),
    });
    if (unchanged(request, etag, lastModified)) {
      response.status(304).end();
      return;
    }
    const origin = `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    const self = `${origin}${request.path}${canonicalQuery(filter, request.path)}`;
    response.send(
      atomFeed({
        self,
        title: feed.title,
        alternate: origin + feed.alternate,
        events,
        names,
        pageOf: (event) =>
          `${origin}/app/agreements/${event.agreementId}${
            event.partyCode ? `/parties/${event.partyCode}` : ''
          }`,
      }),
    );
  }
}

/** Whether the reader holds this version: its ETag, or (without one) a date not before it. */
function unchanged(request: Request, etag: string, lastModified: Date | undefined): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim());
    return tags.includes(etag) || tags.includes(`W/${etag}`) || tags.includes('*');
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  // HTTP dates have whole seconds.
  return (
    lastModified !== undefined &&
    !Number.isNaN(since) &&
    Math.floor(lastModified.getTime() / 1000) * 1000 <= since
  );
}

/** The filter as a query string in one order, so that a feed has one id however it was asked. */
function canonicalQuery(filter: EventFilter, path: string): string {
  if (!path.endsWith('/events.atom')) {
    return '';
  }
  const params = new URLSearchParams();
  if (filter.agreementId) params.set('agreementId', filter.agreementId);
  if (filter.partyCode) params.set('partyCode', filter.partyCode);
  if (filter.types) params.set('type', filter.types.join(','));
  const query = params.toString();
  return query ? `?${query}` : '';
}
