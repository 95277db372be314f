import { createHash } from 'node:crypto';
import {
  Controller,
  Get,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendStatic } from '../common/static-files.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { GRAPHIQL_PATH } from '../common/graphql-options.js';
import { APP_PATH, loadWebApp, WebAppNotBuilt, type WebApp } from './web-app-files.js';

/** The page's own policy: its files, its import map (by hash) and this server; nothing else. */
function pagePolicy(importMap: string): string {
  const hash = createHash('sha256').update(importMap).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    // lit-html writes the DOM through its own Trusted Types policy; nothing else may.
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

/**
 * The web app at /app (README, "The web app"), and `/`, which leads to it. Every address under
 * /app but its assets is the same page, which draws what the address names; the assets sit
 * under a path that names their version, and may be cached for good.
 */
@Controller()
export class WebAppController {
  private readonly logger = new Logger(WebAppController.name);
  private loading?: Promise<WebApp>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  root(@Res() response: Response): void {
    response.redirect(302, APP_PATH);
  }

  @Get([APP_PATH, `${APP_PATH}/*path`])
  async app(@Req() request: Request, @Res() response: Response): Promise<void> {
    let app: WebApp;
    try {
      app = await this.webApp();
    } catch (error) {
      if (!(error instanceof WebAppNotBuilt)) {
        throw error;
      }
      this.logger.error(error.message);
      response.status(HttpStatus.SERVICE_UNAVAILABLE).type('text/plain').send(`${error.message}\n`);
      return;
    }
    const assets = `${APP_PATH}/assets/`;
    if (request.path.startsWith(assets)) {
      const [version, ...rest] = request.path.slice(assets.length).split('/');
      const file = version === app.version ? app.files.get(rest.join('/')) : undefined;
      if (!file) {
        throw new NotFoundException(`There is no ${request.path}.`);
      }
      sendStatic(request, response, file, 'public, max-age=31536000, immutable');
      return;
    }
    response
      .set({
        'content-security-policy': pagePolicy(app.importMap),
        'cache-control': 'no-cache',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'permissions-policy': 'camera=(), microphone=(), geolocation=()',
      })
      .type('html')
      .send(this.page(app));
  }

  private webApp(): Promise<WebApp> {
    this.loading ??= loadWebApp().catch((error: unknown) => {
      this.loading = undefined; // built later: tried again on the next request
      throw error;
    });
    return this.loading;
  }

  private page(app: WebApp): string {
    const base = `${APP_PATH}/assets/${app.version}`;
    const graphiql = this.config.graphiql
      ? `\n    <meta name="ratify-graphiql" content="${GRAPHIQL_PATH}" />`
      : '';
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Ratify</title>${graphiql}
    <link rel="icon" href="${base}/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="${base}/app.css" />
    <script type="importmap">${app.importMap}</script>
${app.modules.map((path) => `    <link rel="modulepreload" href="${base}/${path}" />`).join('\n')}
    <script type="module" src="${base}/main.js"></script>
  </head>
  <body>
    <div id="app"><p>Loading Ratify…</p></div>
    <noscript>Ratify's pages need JavaScript. The data is also at /graphql (GraphQL).</noscript>
  </body>
</html>
`;
  }
}
