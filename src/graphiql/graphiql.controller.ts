import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GRAPHIQL_PATH, GRAPHQL_PATH } from '../common/graphql-options.js';
import { sendStatic } from '../common/static-files.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { GraphiQLAssets } from './graphiql-assets.js';

/**
 * What the page may load: its own scripts, styles and editor workers, and connections to this
 * server (HTTP and WebSocket) alone; nothing inline but styles (React and the editor set them
 * on elements), no frames, no forms, no base URL.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The first query shown: how to read, how to write, and how to watch. */
export const DEFAULT_QUERY = `# Ratify's GraphQL API. Ctrl-Enter runs an operation;
# the Docs pane lists every field.
#
# Reads need no token. Writes do: make one with
#   npm run token -- create --name you --role EDITOR
# and add it under Headers:
#   {"Authorization": "Bearer <token>"}
# Subscriptions run over WebSocket with the same header.

query Agreements {
  agreements(first: 10) {
    edges {
      node {
        id
        title
        stage
        availableActions
        parties { code status approvalStatus }
      }
    }
  }
}

subscription AgreementEvents {
  agreementEvents {
    cursor
    type
    action
    toStage
    partyCode
    approvalStatus
  }
}
`;

/**
 * GraphiQL at /graphiql, served from this server with nothing from a CDN, so that it works
 * offline (README, "GraphiQL"). On outside production by default, behind GRAPHIQL=true in
 * production.
 */
@Controller()
export class GraphiQLController {
  private readonly assets = new GraphiQLAssets();
  private readonly page: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.page = renderPage({
      endpoint: GRAPHQL_PATH,
      bundle: `${GRAPHIQL_PATH}/graphiql.js`,
      defaultQuery: DEFAULT_QUERY,
      workers: {
        editorWorkerService: `${GRAPHIQL_PATH}/editor.worker.js`,
        json: `${GRAPHIQL_PATH}/json.worker.js`,
        graphql: `${GRAPHIQL_PATH}/graphql.worker.js`,
      },
    });
  }

  @Get(GRAPHIQL_PATH)
  graphiql(@Res() response: Response): void {
    this.mustBeOn();
    response
      .set({
        'content-security-policy': PAGE_POLICY,
        'cache-control': 'no-cache',
      })
      .type('html')
      .send(this.page);
  }

  @Get(`${GRAPHIQL_PATH}/:name`)
  async asset(
    @Param('name') name: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    this.mustBeOn();
    const asset = await this.assets.get(name);
    if (!asset) {
      throw new NotFoundException(`There is no ${GRAPHIQL_PATH}/${name}.`);
    }
    // Checked again on each load (no-cache), answered 304 while unchanged.
    sendStatic(request, response, asset, 'no-cache');
  }

  private mustBeOn(): void {
    if (!this.config.graphiql) {
      throw new NotFoundException(
        'GraphiQL is off on this server (GRAPHIQL=true turns it on, with GRAPHQL_INTROSPECTION=true).',
      );
    }
  }
}

/** The page: GraphiQL's options as JSON data (never run as script), and the scripts. */
function renderPage(options: Record<string, unknown>): string {
  // `<` escaped, so that no value can close the data block.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Ratify GraphiQL</title>
    <link rel="icon" href="${GRAPHIQL_PATH}/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="${GRAPHIQL_PATH}/graphiql.css" />
    <script type="application/json" id="graphiql-options">${json}</script>
    <script src="${GRAPHIQL_PATH}/graphql-ws.js" defer></script>
    <script src="${GRAPHIQL_PATH}/start.js" defer></script>
  </head>
  <body>
    <noscript>GraphiQL needs JavaScript. The API itself is at ${GRAPHQL_PATH}.</noscript>
    <div id="graphiql">Loading GraphiQL…</div>
  </body>
</html>
`;
}
