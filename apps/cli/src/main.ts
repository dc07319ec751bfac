import { runCli } from './cli.js';

/**
 * How long the CLI waits, after its work is done, for Node.js to exit by
 * itself. Nothing of a run is left behind (its worker pool is destroyed and
 * its log files closed), so a process still alive after this is held by
 * something the pipeline itself opened: a server, a timer, a database pool.
 */
const EXIT_GRACE_MS = 3_000;

/** Resources that are the CLI's own stdio, not something the pipeline left open. */
const OWN_RESOURCES = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'WriteWrap', 'ShutdownWrap', 'CloseReq']);

/** The entry of the `processes` bin: runs the CLI and exits with its code. */
export async function main(): Promise<void> {
  // `processes run x | head -1`: once the reader has gone, there is no one to show output to, but the
  // command still has its work to finish (a run, its --json/--html report, notifications, the exit
  // code): exiting here stopped the run with exit 0 and no report. The stream is destroyed by the
  // error, so later writes to it are dropped without another error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  // Exit by letting the event loop drain, which proves the run left nothing running; if it does not
  // drain, say what holds it rather than hang.
  setTimeout(() => {
    const holding = process.getActiveResourcesInfo().filter((resource) => !OWN_RESOURCES.has(resource));
    process.stderr.write(
      `processes: the pipeline left ${holding.length ? holding.join(', ') : 'something'} open, which keeps Node.js running; exiting anyway.\n`,
    );
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableEnded || stream.destroyed) resolve();
    else stream.write('', () => resolve());
  });
}
