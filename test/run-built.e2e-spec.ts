import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce } from './support/child-server.js';

describe('npm run token and npm run import on a current build', () => {
  it('answer without building again', () => {
    buildOnce();
    const dir = mkdtempSync(join(tmpdir(), 'ratify-run-built-'));
    try {
      const run = spawnSync(process.execPath, ['scripts/run-built.mjs', 'cli/token.js', 'list'], {
        env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'r.sqlite')}` },
        encoding: 'utf8',
      });
      expect(run.stderr).not.toContain('Building first');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
