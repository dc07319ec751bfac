// vitest global setup: rebuilds dist/ of this package and of the workspace
// packages it depends on, deepest first, when their src/ is newer. Tests run
// against src/ (vitest.shared.ts), but worker threads and child processes run
// the build; without this, editing worker-entry.ts and running vitest would
// test the old worker. Nothing is built when dist/ is current, as it is under
// `pnpm test` (turbo builds first).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

function workspacePackages(): Map<string, string> {
  const byName = new Map<string, string>();
  for (const group of ['packages', 'apps', 'scripts']) {
    const dir = path.join(ROOT, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const manifest = path.join(dir, entry, 'package.json');
      if (existsSync(manifest)) byName.set(readManifest(manifest).name, path.join(dir, entry));
    }
  }
  return byName;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** The package at `dir` and its workspace dependencies, each after the ones it depends on. */
function buildOrder(dir: string, byName: Map<string, string>, seen = new Set<string>()): string[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const manifest = readManifest(path.join(dir, 'package.json'));
  const deps = { ...manifest.dependencies, ...manifest.devDependencies };
  const order: string[] = [];
  for (const [name, range] of Object.entries(deps)) {
    const depDir = byName.get(name);
    if (range.startsWith('workspace:') && depDir) order.push(...buildOrder(depDir, byName, seen));
  }
  order.push(dir);
  return order;
}

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Rebuilds `packageDir` and the workspace packages it depends on, deepest first, where src/ is newer than dist/. */
export function buildIfStale(packageDir: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const dir of buildOrder(packageDir, workspacePackages())) {
    const config = path.join(dir, 'tsconfig.build.json');
    if (!existsSync(config)) continue;
    const dist = newest(path.join(dir, 'dist'));
    if (dist !== 0 && newest(path.join(dir, 'src')) <= dist && statSync(config).mtimeMs <= dist) continue;
    console.log(`[vitest] building ${path.relative(ROOT, dir)}: its src/ is newer than its dist/`);
    execFileSync(process.execPath, [tsc, '-p', config], { cwd: dir, stdio: 'inherit' });
  }
}

export default function setup(): void {
  buildIfStale(process.cwd());
}
