// Runs benchmark scopes under `node --cpu-prof` and prints where the main
// thread spent its time (self time, then inclusive), heaviest first.
//   node dist/profile.js --scope throughput [--quick] [--top 25]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const RUN = fileURLToPath(new URL('./run.js', import.meta.url));
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const dir = mkdtempSync(join(tmpdir(), 'processes-bench-profile-'));
execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--expose-gc', RUN, '--in-process', ...args], {
  stdio: 'inherit',
});

// The main thread's profile is the first one written for the process.
const first = readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .sort()[0];
if (!first) throw new Error('no profile was written');
const profile = JSON.parse(readFileSync(join(dir, first), 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node: ProfileNode) => {
  const url = node.callFrame.url.replace(/^.*\/(packages|node_modules|scripts)\//, '$1/');
  return `${node.callFrame.functionName || '(anonymous)'} ${url}:${node.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
let sum = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  sum += dt;
  const node = byId.get(id) as ProfileNode;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at) as ProfileNode);
    if (!seen.has(name)) total.set(name, (total.get(name) ?? 0) + dt);
    seen.add(name);
  }
});
const print = (title: string, times: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((time / sum) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time (main thread)', self);
print('inclusive time (main thread)', total);
console.log(`\nprofiles: ${dir}`);
