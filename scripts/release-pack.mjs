#!/usr/bin/env node
// `pnpm release:pack`: one tarball per publishable workspace package in
// artifacts/, exactly what `pnpm publish` would upload. Publishable means
// every workspace package whose package.json is not `private`, so a new
// package is picked up without touching this file. `pnpm pack` rewrites
// `workspace:` and `catalog:` ranges to the versions a registry sees; each
// packed package.json is read back from its tarball to prove it.
//
// The root script builds first (`pnpm build && node scripts/release-pack.mjs`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// `--destination DIR` packs elsewhere (the install test packs into a temporary folder).
const destinationFlag = process.argv.indexOf('--destination');
const ARTIFACTS =
  destinationFlag > 0 ? path.resolve(process.argv[destinationFlag + 1] ?? '') : path.join(ROOT, 'artifacts');
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** Directories matched by the `packages:` globs of pnpm-workspace.yaml (only `dir/*` globs are used here). */
function workspaceDirs() {
  const yaml = readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const block = yaml.split(/^packages:\s*$/m)[1] ?? '';
  const globs = [...block.matchAll(/^\s+-\s+["']?([^"'\s]+)\/\*["']?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((glob) =>
    readdirSync(path.join(ROOT, glob), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(ROOT, glob, entry.name)),
  );
}

function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The text of `package/package.json` inside a .tgz (a ustar archive, gzipped). */
export function packedManifest(tarball) {
  const tar = gunzipSync(readFileSync(tarball));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '');
    if (name === '') break;
    const size = Number.parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString('utf8')
        .trim() || '0',
      8,
    );
    if (name === 'package/package.json') return JSON.parse(tar.subarray(offset + 512, offset + 512 + size).toString());
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${tarball} has no package/package.json`);
}

/** Dependency ranges a registry could not resolve (`workspace:`, `catalog:`, `link:`, `file:`). */
export function unpublishableRanges(manifest) {
  return DEPENDENCY_FIELDS.flatMap((field) =>
    Object.entries(manifest[field] ?? {})
      .filter(([, range]) => /^(workspace|catalog|link|file):/.test(range))
      .map(([name, range]) => `${field}.${name}: ${range}`),
  );
}

function pnpm(args, cwd) {
  // Run through the pnpm that runs this script (npx -y pnpm@10), not one on PATH.
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) {
    return execFileSync(process.execPath, [execPath, ...args], { cwd, encoding: 'utf8' });
  }
  // Run directly (`node scripts/release-pack.mjs`): pnpm as the README gets it.
  return execFileSync('npx', ['-y', 'pnpm@10', ...args], {
    cwd,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const file of readdirSync(ARTIFACTS)) if (file.endsWith('.tgz')) rmSync(path.join(ARTIFACTS, file));
  const publishable = workspaceDirs().filter((dir) => {
    const manifest = readManifest(dir);
    return manifest !== undefined && manifest.private !== true;
  });
  const problems = [];
  for (const dir of publishable) {
    pnpm(['pack', '--pack-destination', ARTIFACTS], dir);
  }
  const tarballs = readdirSync(ARTIFACTS).filter((file) => file.endsWith('.tgz'));
  for (const file of tarballs.sort()) {
    const manifest = packedManifest(path.join(ARTIFACTS, file));
    const bad = unpublishableRanges(manifest);
    if (bad.length > 0) problems.push(`${file}: ${bad.join(', ')}`);
    console.log(
      `[release:pack] ${path.relative(process.cwd(), path.join(ARTIFACTS, file))}  ${manifest.name}@${manifest.version}`,
    );
  }
  if (tarballs.length !== publishable.length) {
    problems.push(`expected ${publishable.length} tarballs, found ${tarballs.length}`);
  }
  if (problems.length > 0) {
    console.error(`[release:pack] not publishable:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
