import 'reflect-metadata';
import { MetricsModule } from '../metrics/metrics.module.js';
import { parseArgs } from 'node:util';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiTokensService } from '../auth/api-tokens.service.js';
import { AuthModule } from '../auth/auth.module.js';
import { ApiTokenIdArgs, CreateApiTokenArgs } from '../auth/dto/create-api-token.args.js';
import { DomainError } from '../common/domain-error.js';
import { validated } from '../common/validation.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';

const USAGE = `Manage API tokens on the database the server uses (DATABASE_URL), with or without the server running.

  npm run token -- create --name NAME --role EDITOR|ADMIN   prints the new token, shown this once
  npm run token -- list                                     every token (never the secrets)
  npm run token -- revoke --id ID                           revokes a token at once`;

@Module({})
class TokenCommandModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TokenCommandModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        DatabaseModule.forRoot(config.database),
        AuthModule,
      ],
    };
  }
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs one token command; returns the exit code (0 done, 1 refused, 2 bad usage). */
export async function runTokenCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  output: Output,
): Promise<number> {
  let args: ReturnType<typeof parse>;
  let config: AppConfig;
  try {
    args = parse(argv);
    config = loadConfig(env);
  } catch (error) {
    output.err(
      error instanceof ConfigError ? error.message : `${(error as Error).message}\n\n${USAGE}`,
    );
    return 2;
  }
  const app = await NestFactory.createApplicationContext(TokenCommandModule.forRoot(config), {
    logger: ['fatal', 'error'],
  });
  try {
    const tokens = app.get(ApiTokensService);
    const [command] = args.positionals;
    if (command === 'create') {
      const { name, role } = await validated(CreateApiTokenArgs, {
        name: args.values.name,
        role: args.values.role,
      });
      const { token, apiToken } = await tokens.create(name, role);
      output.err(
        `Created ${apiToken.role} token "${apiToken.name}" (id ${apiToken.id}). It is shown this once:`,
      );
      output.out(token);
    } else if (command === 'list') {
      for (const token of await tokens.list()) {
        const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'active';
        const used = token.lastUsedAt ? token.lastUsedAt.toISOString() : 'never';
        output.out(
          `${token.id}  ${token.role.padEnd(6)}  ${token.name}  (${state}; last used ${used})`,
        );
      }
    } else {
      const { id } = await validated(ApiTokenIdArgs, { id: args.values.id });
      const token = await tokens.revoke(id);
      output.err(`Revoked token "${token.name}".`);
    }
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      output.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function parse(argv: string[]) {
  const args = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' } },
  });
  const [command, ...extra] = args.positionals;
  if (!['create', 'list', 'revoke'].includes(command) || extra.length > 0) {
    throw new Error(
      command ? `Unknown command: ${[command, ...extra].join(' ')}` : 'No command given.',
    );
  }
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runTokenCommand(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
