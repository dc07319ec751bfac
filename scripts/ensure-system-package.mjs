#!/usr/bin/env node
// Makes sure a Debian package some tests need is installed, so that the
// README's one test command works on a fresh machine, without ever surprising
// the person who runs it:
//
//   node scripts/ensure-system-package.mjs chromium redis-server graphviz
//
// or, from a vitest globalSetup, `ensureSystemPackage('redis-server')`.
//
// - Installed: nothing is printed.
// - Missing, running as root or in CI (`CI` set): one line says what is
//   installed and where apt's output goes (a log file in the temp folder);
//   apt runs with DEBIAN_FRONTEND=noninteractive, so it never prompts.
//   A failure (or CI without root) is an error: in CI a missing package
//   must fail the run, not skip tests.
// - Missing otherwise: one line says which tests are skipped and gives the
//   install command; the tests that need it skip themselves.
//
// It never calls sudo: installing software is the user's decision.
import { execFileSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What each known package provides, and who needs it. */
export const SYSTEM_PACKAGES = {
  chromium: {
    apt: 'chromium',
    binary: () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    neededBy: 'the browser tests of processes-report-html',
  },
  'redis-server': {
    apt: 'redis-server',
    binary: () => process.env.REDIS_SERVER_PATH ?? onPath('redis-server'),
    neededBy: 'the Redis tests (distributed executor, Redis cache)',
  },
  graphviz: {
    apt: 'graphviz',
    binary: () => process.env.GRAPHVIZ_DOT_PATH ?? onPath('dot'),
    neededBy: 'the tests that render DOT graphs with `dot`',
  },
};

const PREFIX = '[system-packages]';

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && executable(path.join(dir, command))) return path.join(dir, command);
  }
  return path.join('/usr/bin', command);
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function spec(name) {
  const found = Object.hasOwn(SYSTEM_PACKAGES, name) ? SYSTEM_PACKAGES[name] : undefined;
  if (found === undefined) {
    throw new Error(`${PREFIX} unknown package "${name}"; known: ${Object.keys(SYSTEM_PACKAGES).join(', ')}`);
  }
  return found;
}

/** The package's binary when it is installed, else undefined. Does not install anything. */
export function systemPackageBinary(name) {
  const binary = spec(name).binary();
  return executable(binary) ? binary : undefined;
}

/** The command a user runs to install the package. */
export function installCommand(name) {
  return `sudo apt-get install -y ${spec(name).apt}`;
}

function apt(args, log) {
  const fd = openSync(log, 'a');
  try {
    execFileSync('apt-get', args, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * Installs the package when it is missing and this may install it (root, or CI).
 * Resolves to whether it is available; throws when it must be there and is not.
 */
export function ensureSystemPackage(name) {
  const { apt: aptName, neededBy } = spec(name);
  const existing = systemPackageBinary(name);
  if (existing !== undefined) return { name, available: true, binary: existing };

  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const ci = Boolean(process.env.CI);
  if (!root && !ci) {
    console.log(`${PREFIX} ${name} is not installed: skipping ${neededBy}. Install it with: ${installCommand(name)}`);
    return { name, available: false, binary: undefined };
  }
  if (!root) {
    throw new Error(
      `${PREFIX} ${name} is missing and CI is set, but this is not root and sudo is never used: ` +
        `install it before the tests (${installCommand(name)}).`,
    );
  }
  const log = path.join(os.tmpdir(), `processes-apt-${aptName}.log`);
  console.log(`${PREFIX} installing ${aptName} with apt-get for ${neededBy} (apt's output: ${log})`);
  try {
    apt(['update', '-q'], log);
    apt(['install', '-y', '-q', '--no-install-recommends', aptName], log);
  } catch (error) {
    throw new Error(`${PREFIX} apt-get could not install ${aptName} (${error.message}); see ${log}`);
  }
  const installed = systemPackageBinary(name);
  if (installed === undefined) {
    throw new Error(`${PREFIX} apt-get installed ${aptName}, but ${spec(name).binary()} is still missing; see ${log}`);
  }
  return { name, available: true, binary: installed };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    console.error(`usage: node scripts/ensure-system-package.mjs <${Object.keys(SYSTEM_PACKAGES).join('|')}>...`);
    process.exit(2);
  }
  try {
    for (const name of names) ensureSystemPackage(name);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
