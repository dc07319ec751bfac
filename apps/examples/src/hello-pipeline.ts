// The Python library's "hello pipeline": one upstream task feeding a downstream one.
// Run it: npx -y pnpm@10 --filter processes-examples hello (after a build)
import { Process, Task, TaskDependency } from 'processes-js';

interface User {
  id: number;
  name?: string;
}

function loadUsers(): User[] {
  return [{ id: 1 }, { id: 2 }, { id: 3 }];
}

function enrich(users: User[]): User[] {
  return users.map((user) => ({ ...user, name: `user-${user.id}` }));
}

const tasks = [
  new Task('load', loadUsers),
  new Task('enrich', enrich, {
    dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })],
  }),
];

await using process = new Process(tasks, { name: 'hello' });
const report = await process.run({ parallel: true });

console.log(report.successes.get('enrich')?.result);
// [ { id: 1, name: 'user-1' }, { id: 2, name: 'user-2' }, { id: 3, name: 'user-3' } ]
