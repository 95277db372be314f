// Jest's global setup: builds the web app (tsc -p web, into dist/web) when it is missing or
// older than its sources, so that the server the browser specs start serves the current app.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { newest } from '../../scripts/newest.mjs';

export default function buildWeb() {
  const built = newest(join('dist', 'web'), (name) => name.endsWith('.js'));
  const sources = Math.max(
    newest(join('web', 'src'), (name) => name.endsWith('.ts')),
    statSync(join('web', 'tsconfig.json')).mtimeMs,
  );
  if (built >= sources) {
    return;
  }
  const tsc = spawnSync(join('node_modules', '.bin', 'tsc'), ['-p', 'web'], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    throw new Error('The web app does not compile (tsc -p web): the browser specs cannot run.');
  }
}
