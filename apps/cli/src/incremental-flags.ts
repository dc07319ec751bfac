import { resolve } from 'node:path';
import type { RunOptions } from 'processes-core';
import { stringFlag } from './args.js';

/** Where `processes cache explain|clear` look when `--cache` is not given, relative to the working directory. */
export const DEFAULT_CACHE_DIR = '.processes-cache';

/** `--resume`, `--cache` and `--checkpoint` as run options, their paths resolved against `cwd`. */
export function incrementalFlags(
  values: Readonly<Record<string, string | boolean | undefined>>,
  cwd: string,
): Pick<RunOptions, 'resumeFrom' | 'cache' | 'checkpoint'> {
  const resume = stringFlag(values['resume']);
  const cache = stringFlag(values['cache']);
  const checkpoint = stringFlag(values['checkpoint']);
  return {
    ...(resume === undefined ? {} : { resumeFrom: resolve(cwd, resume) }),
    ...(cache === undefined ? {} : { cache: { dir: resolve(cwd, cache) } }),
    ...(checkpoint === undefined ? {} : { checkpoint: resolve(cwd, checkpoint) }),
  };
}
