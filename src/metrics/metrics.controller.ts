import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, HttpStatus, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Metrics } from './metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The Prometheus text format at /metrics (README, "Operating Ratify"), behind METRICS_TOKEN when
 * it is set; 404 with METRICS=false.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { metrics: enabled, metricsToken } = this.metrics.config;
    if (!enabled) {
      throw new NotFoundException();
    }
    if (metricsToken && !matches(request.headers.authorization, metricsToken)) {
      response
        .status(HttpStatus.UNAUTHORIZED)
        .setHeader('www-authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('The metrics need METRICS_TOKEN as a bearer token.\n');
      return;
    }
    const text = await this.metrics.registry.metrics();
    response.status(HttpStatus.OK).type(this.metrics.registry.contentType).send(text);
  }
}

/** Whether `header` is `Bearer <token>`, compared in constant time. */
function matches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}
