// Jest's global setup: builds the web app (tsc -p web, into dist/web) when it is missing or
// older than its sources, so that the server the browser specs start serves the current app.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of the files under `dir` that `keep` selects; 0 if none. */
function newest(dir, keep) {
  let latest = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && keep(entry.name)) {
        latest = Math.max(
          latest,
          statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs,
        );
      }
    }
  } catch {
    return 0;
  }
  return latest;
}

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
