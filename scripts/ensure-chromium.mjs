#!/usr/bin/env node
// Makes sure Debian's chromium is installed for the browser tests, so that the
// README's one test command works on a fresh machine. It installs the
// `chromium` package with apt (through sudo when not root) when it is missing,
// and fails with a clear message when it cannot.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function installed() {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (!installed()) {
  console.log(`[ensure-chromium] ${CHROMIUM} not found; installing Debian's chromium package...`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const run = (args) =>
    execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  } catch (error) {
    console.error(
      `[ensure-chromium] could not install chromium (${error.message}).\n` +
        'Install it yourself (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.',
    );
    process.exit(1);
  }
  if (!installed()) {
    console.error(`[ensure-chromium] apt finished but ${CHROMIUM} is still missing.`);
    process.exit(1);
  }
}
