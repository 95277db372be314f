import 'reflect-metadata';
import { MetricsModule } from '../metrics/metrics.module.js';
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgreementCache } from '../agreements/agreement-cache.js';
import { IMPORT_ACTOR } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { EventsModule } from '../events/events.module.js';
import { PartyActionsService } from '../parties/party-actions.service.js';
import { StatusImport } from '../parties/status-import.js';
import { MAX_STATUS_TABLE_BYTES, parseStatusTable } from '../parties/un-status-table.js';

const USAGE = `Load one treaty's status table (docs/examples/README.md) into an agreement, on the database
the server uses (DATABASE_URL), with or without the server running.

  npm run import -- FILE --agreement ID

Participants that are not parties yet are added; signatures and consents are recorded in date
order through the workflow. A file with any bad line loads nothing; running it again records
nothing new.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Module({})
class ImportCommandModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ImportCommandModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        DatabaseModule.forRoot(config.database),
        EventsModule,
      ],
      providers: [AgreementCache, PartyActionsService, StatusImport],
    };
  }
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs one import; returns the exit code (0 done, 1 refused, 2 bad usage). */
export async function runImportCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  output: Output,
): Promise<number> {
  let file: string;
  let agreementId: string;
  let config: AppConfig;
  try {
    ({ file, agreementId } = parse(argv));
    config = loadConfig(env);
  } catch (error) {
    output.err(
      error instanceof ConfigError ? error.message : `${(error as Error).message}\n\n${USAGE}`,
    );
    return 2;
  }

  let text: string;
  try {
    const { size } = statSync(file);
    if (size > MAX_STATUS_TABLE_BYTES) {
      output.err(`${file}: is ${size} bytes; a status table is at most ${MAX_STATUS_TABLE_BYTES}.`);
      return 1;
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    output.err(`${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return 1;
  }
  let rows;
  try {
    ({ rows } = parseStatusTable(text));
  } catch (error) {
    if (error instanceof DomainError) {
      const fields = (error.details.fields ?? {}) as Record<string, string>;
      output.err(`${file}: nothing was loaded.`);
      for (const [where, problem] of Object.entries(fields)) {
        output.err(`  ${where}: ${problem}`);
      }
      return 1;
    }
    throw error;
  }

  const app = await NestFactory.createApplicationContext(ImportCommandModule.forRoot(config), {
    logger: ['fatal', 'error'],
  });
  try {
    const summary = await app.get(StatusImport).load(agreementId, rows, IMPORT_ACTOR);
    const { agreement } = summary;
    output.out(
      `Recorded ${summary.recorded} actions (${summary.skipped} already recorded), added ${summary.added.length} parties.`,
    );
    output.out(
      `${agreement.title}: ${agreement.stage}, version ${agreement.version}, ${agreement.parties.length} parties.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      output.err(`${file}: nothing was loaded. ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function parse(argv: string[]): { file: string; agreementId: string } {
  const args = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { agreement: { type: 'string' } },
  });
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) {
    throw new Error(file ? `One file at a time: ${extra.join(' ')}` : 'No file given.');
  }
  const agreementId = args.values.agreement;
  if (!agreementId || !UUID.test(agreementId)) {
    throw new Error('--agreement takes the id of the agreement to load the table into.');
  }
  return { file, agreementId };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runImportCommand(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
