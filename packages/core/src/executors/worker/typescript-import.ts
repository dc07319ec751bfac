import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/**
 * Imports a task module. A TypeScript module that Node cannot load by itself
 * is imported through tsx's `tsImport` when tsx is installed: on Node 20 a
 * loader given to a worker through `execArgv` does not apply to it
 * (nodejs/node#47747), so this is what makes `.ts` task modules just work.
 */
export async function importModule(moduleUrl: string): Promise<Record<string, unknown>> {
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    if (!TYPESCRIPT_FILE.test(moduleUrl) || (error as { code?: unknown })?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw error;
    }
    const tsx = resolveTsx(moduleUrl);
    if (!tsx) {
      throw new Error(
        `${(error as Error).message}. Install tsx next to the pipeline (npm install --save-dev tsx) to run TypeScript task modules, or on Node 22+ start the pool's threads with a loader: new WorkerPool({ execArgv: ['--import', 'tsx'] })`,
      );
    }
    const { tsImport } = (await import(tsx)) as {
      tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    };
    return tsImport(moduleUrl, import.meta.url);
  }
}

/**
 * The ESM build of tsx's API (`tsx/esm/api`, import condition), as seen from
 * the task module, then from the working directory.
 */
function resolveTsx(moduleUrl: string): string | undefined {
  for (const base of [moduleUrl, pathToFileURL(join(process.cwd(), 'package.json')).href]) {
    try {
      // require.resolve finds the package (with the require condition); its exports map names the ESM file.
      let dir = dirname(createRequire(base).resolve('tsx/esm/api'));
      while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        exports?: Record<string, { import?: { default?: string } }>;
      };
      const entry = manifest.exports?.['./esm/api']?.import?.default;
      if (entry) return pathToFileURL(join(dir, entry)).href;
    } catch {
      // not installed there; try the next place
    }
  }
  return undefined;
}
