// Jest's global setup: builds what the specs run that is not their TypeScript sources, when it
// is missing or older than its sources: the web app (tsc -p web, into dist/web), which the
// browser specs load, and the server (tsc -p tsconfig.build.json, into dist), whose webhook
// sender thread the specs' servers start from dist/webhooks/sender-worker.js
// (src/webhooks/sender-thread.ts).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { newest } from '../../scripts/newest.mjs';

function build(project, what, outputs, sources) {
  if (newest(...outputs) >= Math.max(newest(...sources), statSync(project).mtimeMs)) {
    return;
  }
  const tsc = spawnSync(join('node_modules', '.bin', 'tsc'), ['-p', project], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    throw new Error(`${what} does not compile (tsc -p ${project}): the specs cannot run.`);
  }
}

export default function buildForSpecs() {
  const js = (name) => name.endsWith('.js');
  const ts = (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts');
  build(
    join('web', 'tsconfig.json'),
    'The web app',
    [join('dist', 'web'), js],
    [join('web', 'src'), ts],
  );
  // The sender thread needs only src/webhooks (and packages): its changes alone cost a build.
  build(
    'tsconfig.build.json',
    'The server',
    [join('dist', 'webhooks'), js],
    [join('src', 'webhooks'), ts],
  );
}
