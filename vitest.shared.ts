// The one vitest config of every package: tests run against the source.
//
// Tests import a package the way users do (`../dist/index.js`,
// `processes-core`, `processes`), so they read as usage. The `sourceFirst`
// plugin sends every such import that lands in a workspace package's `dist/`
// to the matching file in its `src/` instead, so editing src/ and running
// vitest tests what was edited, with no build in between.
//
// What plain Node loads is not redirected, and stays the build: worker
// threads (they run the built worker entry, see core's
// executors/worker/entry-url.ts), child processes (the CLI's tests run its
// bin) — vitest.build-if-stale.ts rebuilds those first when src/ is newer —
// and packages/processes/test/built-package.test.ts, which imports the
// built package in a child process exactly as an installed copy is imported.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const BUILT = /^(.*[\\/](?:packages|apps|scripts)[\\/][^\\/]+)[\\/]dist[\\/](.+)\.js$/;

/** Resolves an import that lands in `<package>/dist/x.js` to `<package>/src/x.ts` when that exists. */
export function sourceFirst(): Plugin {
  return {
    name: 'processes:source-first',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const match = resolved && !resolved.external ? BUILT.exec(resolved.id) : null;
      if (!match?.[1]?.startsWith(ROOT)) return resolved;
      const sourceFile = path.join(match[1], 'src', `${match[2]}.ts`);
      return existsSync(sourceFile) ? { ...resolved, id: sourceFile } : resolved;
    },
  };
}

export default defineConfig({
  plugins: [sourceFirst()],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: [path.join(ROOT, 'vitest.build-if-stale.ts')],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
