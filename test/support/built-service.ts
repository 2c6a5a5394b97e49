import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/**
 * Builds this checkout (the production build's tsconfig) into a temporary directory, at the lowest CPU priority (the
 * other test files' timings share the machine's cores); returns it. Run `<dir>/src/main.js` with `builtServiceEnv`.
 */
export function buildToTemp(): string {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'funnel-dist-'));
  const tsc = [process.execPath, path.join(ROOT, 'node_modules/typescript/bin/tsc')];
  const args = ['-p', 'tsconfig.build.json', '--outDir', dist, '--incremental', 'false'];
  const nice = fs.existsSync('/usr/bin/nice');
  execFileSync(nice ? '/usr/bin/nice' : tsc[0], [...(nice ? ['-n', '19', ...tsc] : tsc.slice(1)), ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return dist;
}

/** The environment a temporary build needs besides its own settings: this checkout's node_modules. */
export const builtServiceEnv = { NODE_PATH: path.join(ROOT, 'node_modules') };
