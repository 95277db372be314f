// node scripts/run-built.mjs cli/token.js [args...]: runs dist/<file>, building first only when
// the build is missing or older than a source it compiles (src/, tsconfig, package.json), so
// that `npm run token` and `npm run import` answer at once on a current build.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newest } from './newest.mjs';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-built.mjs cli/FILE.js [args...]');
  process.exit(2);
}

function built() {
  try {
    const output = newest('dist', (name) => name.endsWith('.js'));
    const sources = Math.max(
      newest('src', (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts')),
      ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(f).mtimeMs),
    );
    return statSync(join('dist', file)).isFile() && output >= sources;
  } catch {
    return false;
  }
}

if (!built()) {
  console.error('Building first: dist/ is missing or older than src/ (npm run build).');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
}
process.argv = [process.argv[0], join(process.cwd(), 'dist', file), ...args];
await import(pathToFileURL(join(process.cwd(), 'dist', file)).href);
