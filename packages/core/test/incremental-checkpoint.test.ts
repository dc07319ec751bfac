// run({ checkpoint }): the report is written as the run goes, so a process
// killed mid-run (SIGKILL: no handler runs) resumes from its checkpoint and
// runs only what had not finished.
import { type ChildProcess, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Process, ProcessExecutionReport, Task, TaskStatus } from '../dist/index.js';
import { tasksThatRan } from './helpers/incremental.js';

const PIPELINE = fileURLToPath(new URL('./fixtures/checkpoint-pipeline.mjs', import.meta.url));
let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'processes-checkpoint-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function startPipeline(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [PIPELINE, dir, ...args], {
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Resolves with the checkpoint once `ready` holds for it: re-checked on every change in the directory. */
function checkpointWhen(
  path: string,
  ready: (report: ProcessExecutionReport) => boolean,
): Promise<ProcessExecutionReport> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    let done = false;
    const check = async () => {
      if (done) return;
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined || done) return;
      const report = ProcessExecutionReport.fromJSON(text); // whole, always: writes are atomic
      if (ready(report)) {
        done = true;
        watcher.close();
        resolve(report);
      }
    };
    watcher.on('change', () => void check().catch(reject));
    void check().catch(reject);
  });
}

describe('checkpoints', () => {
  it('let a run killed mid-run resume from its checkpoint, running only what had not finished', async () => {
    const checkpoint = join(dir, 'checkpoint.json');
    const first = startPipeline([checkpoint], { HANG: '1' });
    const seen = await checkpointWhen(checkpoint, (r) => r.successes.has('a') && r.successes.has('b'));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(seen.entries.get('c')?.status).toBe(TaskStatus.PENDING);
    expect(seen.entries.get('d')?.status).toBe(TaskStatus.PENDING);
    const beforeResume = await tasksThatRan(join(dir, 'ran.log'));
    // c may or may not have started before the kill; it never finished.
    expect(beforeResume.filter((name) => name !== 'c').sort()).toEqual(['a', 'b']);

    const reportOut = join(dir, 'report.json');
    const second = startPipeline([checkpoint, checkpoint, reportOut], { HANG: '0' });
    expect(await second.exited).toBe(0);
    const after = (await tasksThatRan(join(dir, 'ran.log'))).slice(beforeResume.length);
    expect(after).toEqual(['c', 'd']);
    const report = ProcessExecutionReport.fromJSON(await readFile(reportOut, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.entries.get('a')?.reused).toEqual({ source: 'resume', fromRun: seen.runId });
    expect(report.entries.get('b')?.result).toBe(2n);
    expect(report.entries.get('d')?.result).toBe('2+11');
    expect(report.entries.get('c')?.ranBecause).toBe('failed-before');
    // The checkpoint of the resumed run is its final report.
    const final = ProcessExecutionReport.fromJSON(await readFile(checkpoint, 'utf8'));
    expect(final.runId).toBe(report.runId);
    expect(final.ok).toBe(true);
  });

  it('holds the final report when the run ends, and each write is a whole document', async () => {
    const checkpoint = join(dir, 'nested', 'run.json');
    const tasks = Array.from({ length: 12 }, (_, i) => new Task(`t${i}`, () => i));
    const report = await new Process(tasks).run({ checkpoint, parallel: true });
    const written = JSON.parse(await readFile(checkpoint, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it("deletes the temp files a killed writer left beside the checkpoint, and keeps a live writer's", async () => {
    const checkpoint = join(dir, 'run.json');
    // A pid that has just exited: its process cannot come back.
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    const dead = `run.json.${gone.pid}.0123456789ab.tmp`;
    const live = `run.json.${process.ppid}.0123456789ab.tmp`;
    const unrelated = ['run.json.notes.tmp', 'other.json.1.0123456789ab.tmp'];
    for (const name of [dead, live, ...unrelated]) await writeFile(join(dir, name), '{"half":');
    const report = await new Process([new Task('a', () => 1)]).run({ checkpoint });
    expect(report.ok).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([...unrelated, live, 'run.json'].sort());
  });
});
