// `processes-js/cli`: the `processes` command as a library (processes-cli),
// for a runner of your own; the command itself is node_modules/.bin/processes.
// Listed by name, like every entry; test/exports.test.ts checks the list against the package.
export type {
  CliIo,
  HtmlReportOptions,
  LoadedPipeline,
  OutputStream,
  RenderHtml,
  WorkerTaskProblem,
} from 'processes-cli';
export {
  CliFileError,
  ExitCode,
  InvalidPipelineError,
  loadPipeline,
  PipelineLoadError,
  PipelineNotFoundError,
  processIo,
  renderHtml,
  runCli,
  UsageError,
  WorkerTaskCheckError,
} from 'processes-cli';
