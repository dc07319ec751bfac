import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The task names in the side-effect file, in the order they ran (one line per call). */
export async function tasksThatRan(sideEffects: string): Promise<string[]> {
  const text = await readFile(sideEffects, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

/** Empties the side-effect file, so the next run's calls are counted alone. */
export async function resetSideEffects(sideEffects: string): Promise<void> {
  await writeFile(sideEffects, '');
}

/** `dir/name`, for readable test setup. */
export function inDir(dir: string, name: string): string {
  return join(dir, name);
}

const FIXTURE = new URL('../fixtures/incremental-tasks.js', import.meta.url);
const DIST = new URL('../../dist/index.js', import.meta.url);

/**
 * A copy of fixtures/incremental-tasks.js at `dest` (a module a test may
 * change), importing the engine by absolute URL so it works from anywhere.
 */
export async function copyTaskModule(dest: string | URL): Promise<void> {
  const source = await readFile(FIXTURE, 'utf8');
  await writeFile(dest, source.replace("'../../dist/index.js'", `'${DIST.href}'`));
}
