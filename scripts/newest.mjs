// The newest modification time of the files under a folder: how run-built.mjs and the tests'
// builds (test/support/build.mjs) tell whether a build is older than its sources.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time under `dir` of the files `keep` selects; 0 if none or no dir. */
export function newest(dir, keep) {
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
