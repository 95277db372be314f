import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** The mark of a statement the server makes on its own, for no request: never counted. */
export const BACKGROUND = '/* background */ ';

/**
 * Counts the SQL statements sent, when COUNT_SQL_QUERIES is on (the benchmarks read it from
 * /health to catch N+1 queries); off, it is never touched.
 */
export class SqlQueryCounter {
  count = 0;
  constructor(readonly enabled: boolean) {}
}

/** TypeORM's messages through Nest's logger, so LOG_LEVEL governs them like every other. */
export class TypeOrmNestLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly counter?: SqlQueryCounter) {}

  logQuery(query: string): void {
    if (this.counter?.enabled && !query.startsWith(BACKGROUND)) {
      this.counter.count += 1;
    }
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`${error instanceof Error ? error.message : error} in: ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') {
      this.logger.warn(message);
    } else {
      this.logger.debug(message);
    }
  }
}
