// The --help texts. Kept together so they read as one manual; apps/cli/README.md repeats them.

export const MAIN_HELP = `processes — run a graph of tasks from a pipeline file

Usage
  processes run <pipeline> [flags]       run the pipeline, with live progress and a summary
  processes validate <pipeline>          check the graph and the worker task modules without running it
  processes graph <pipeline> [flags]     print the graph as Mermaid or Graphviz DOT
  processes worker --redis <url>         take worker tasks of distributed runs from a queue
  processes cache explain <pipeline>     say which tasks a run would reuse, and why the rest run
  processes cache clear                  delete the result cache
  processes help [command]               show help for a command

  processes --version                    print the version

A pipeline file is a JavaScript or TypeScript module whose default export
(or \`process\` or \`pipeline\` export) is a Process, or a function returning
one (it may be async). It may also export \`channels\`: the report channels
\`run --notify\` sends the report through.

  // pipeline.ts
  import { Process, Task } from 'processes-js';
  export default new Process([new Task('hello', () => 'world')], { name: 'hello' });

Exit codes
  0    every task succeeded
  1    a task errored or was skipped
  2    the pipeline is invalid or could not be loaded (validate: a worker task's module
       or export is wrong), or the command line is wrong
  130  cancelled with Ctrl-C (143: SIGTERM); tasks the cancel stopped or kept from
       starting are reported as cancelled

Run \`processes <command> --help\` for a command's flags.
`;

export const RUN_HELP = `processes run — run a pipeline file

Usage
  processes run <pipeline> [flags]

Flags
  --max-workers <n>   run at most n tasks at once (default: the number of CPUs)
  --sequential        run one task at a time, in topological order
  --json <file>       write the report as JSON (the versioned document of report.toJSON())
  --html <file>       write the report as a self-contained HTML page
  --notify            send the report through the channels the pipeline exports
  --only-errors       list only the errored tasks in the summary, the HTML report
                      and the notifications (nothing is sent when no task errored)
  -q, --quiet         no progress and no summary; errors still go to stderr
  --redis <url>       run the worker tasks on a fleet of \`processes worker\` processes
                      through BullMQ on this Redis (redis://host:port); function
                      tasks stay here
  --queue <name>      the fleet's queue (default: processes); needs --redis
  --root <dir>        the directory task modules are named relative to; each
                      worker's --root must hold the same files (default: .)
  --prefix <prefix>   BullMQ's key prefix, as the workers' (default: bull); needs --redis
  --no-worker-timeout-ms <ms>
                      end an attempt with a typed error when no worker has been
                      connected (or Redis has not answered) this long (default:
                      30000); needs --redis
  --resume <report>   resume from a report JSON (or a checkpoint): tasks that
                      succeeded there and did not change are reused, not run
  --cache <dir>       reuse results of tasks with \`cache: true\` from this directory
                      across runs, and store new ones there
  --checkpoint <file> write the report JSON as the run goes, after each task,
                      so a killed run can be resumed with --resume <file>
  -h, --help          show this help

Progress
  On a terminal, one line per task (pending, running, retrying, success,
  errored, skipped) with its elapsed time and an overall count, redrawn in
  place. Otherwise (CI logs, pipes) one line per event. A summary table and
  each failure's traceback follow.

Ctrl-C cancels the run cleanly: running tasks see their signal aborted,
worker threads are stopped, the summary shows what finished and, as
cancelled, what was stopped or never started; the --json and --html files
are written, and processes exits with 130. Notifications are
not sent for a cancelled run. A second Ctrl-C exits at once.

Exit codes: 0 every task succeeded; 1 a task errored or was skipped;
2 the pipeline is invalid; 130 cancelled (143 on SIGTERM).

Examples
  processes run pipeline.ts
  processes run pipeline.js --sequential --json report.json --html report.html
  processes run pipeline.ts --notify --only-errors --quiet
  processes run pipeline.ts --redis redis://10.0.0.5:6379 --queue etl
  processes run pipeline.ts --checkpoint run.json --cache .processes-cache
  processes run pipeline.ts --resume run.json
`;

export const WORKER_HELP = `processes worker — run worker tasks of distributed runs

Usage
  processes worker --redis <url> [flags]

Takes the jobs \`processes run --redis\` (or a BullMQExecutor) puts on the
queue and runs each on a worker thread of this process: hard timeouts
terminate the thread, and this process goes on. Task modules are resolved
against --root and must be the coordinator's files byte for byte (each job
carries their sha256). Runs until SIGINT or SIGTERM, then lets running jobs
finish and exits 0; a second signal stops it at once (its running jobs count
as lost and are retried elsewhere). Exits 2 with a typed error when Redis
cannot be reached within --connect-timeout-ms or refuses its password. See
docs/distributed.md.

Flags
  --redis <url>                 Redis, redis://[user:password@]host:port[/db]
  --queue <name>                the queue to take jobs from (default: processes)
  --threads <n>                 jobs at once, one thread each (default: the number of CPUs)
  --root <dir>                  where task modules are resolved (default: .); must exist
  --prefix <prefix>             BullMQ's key prefix, as the coordinator's (default: bull)
  --connect-timeout-ms <ms>     how long to wait for Redis at start-up (default: 10000)
  --lock-duration-ms <ms>       a job whose lock is not renewed this long counts as its
                                worker lost (default: 30000)
  --stalled-interval-ms <ms>    how often to check for lost workers' jobs (default: 30000)
  -h, --help                    show this help

Examples
  processes worker --redis redis://10.0.0.5:6379 --queue etl --threads 8 --root /srv/etl
`;

export const CACHE_HELP: string = `processes cache — inspect and clear the result cache

Usage
  processes cache explain <pipeline> [--cache <dir>] [--resume <report>]
  processes cache clear [--cache <dir>]

explain loads the pipeline and prints, for each task, whether a run with the
same --cache (and --resume) would reuse its result or run it, and why: its
code, args or kwargs changed, a task it depends on runs again, no cache entry,
an expired or corrupt one. A cached task whose inputs come from a task that
runs first shows "run?": its key is known only once that task has run.
Nothing runs and nothing is written.

clear deletes every entry of the cache directory.

Flags
  --cache <dir>       the cache directory (default: .processes-cache)
  --resume <report>   explain a run resumed from this report JSON
  -h, --help          show this help

Examples
  processes cache explain pipeline.ts --cache .processes-cache
  processes cache explain pipeline.ts --resume report.json
  processes cache clear --cache .processes-cache
`;

export const VALIDATE_HELP = `processes validate — check a pipeline without running it

Usage
  processes validate <pipeline>

Loads the pipeline file and builds its Process, which validates the graph:
task names, options, missing dependencies, cycles. Then imports each worker
task's module in a throwaway worker thread (terminated afterwards, so what a
module does at its top level stays off this thread) and checks the export
the task names is a function. Prints the tasks in the order a sequential run
follows, or each problem (one line per task, naming its module and export)
with the error's code, and exits with 2.

Flags
  --no-load    do not import worker task modules: check the graph only
  -h, --help   show this help

Example
  processes validate pipeline.ts
`;

export const GRAPH_HELP = `processes graph — print a pipeline's graph

Usage
  processes graph <pipeline> [--format mermaid|dot] [--report <report.json>]

Flags
  --format <format>   mermaid (default) or dot (Graphviz)
  --report <file>     draw each task's status from a report written by
                      \`processes run --json\` (or report.toJSON())
  -h, --help          show this help

Worker-thread tasks are drawn as subroutines (Mermaid) or with a double
border (DOT); an edge is labelled with how the result is passed (args, or the
kwarg's name) and is dotted when only the order matters.

Examples
  processes graph pipeline.ts > pipeline.mmd
  processes graph pipeline.ts --format dot --report report.json | dot -Tsvg > run.svg
`;
