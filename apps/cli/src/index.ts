// The programmatic side of processes-cli: the command itself, and the HTML
// renderer `processes run --html` uses, for scripts that write the same page.
export { processIo, runCli } from './cli.js';
export type { WorkerTaskProblem } from './errors.js';
export {
  CliFileError,
  InvalidPipelineError,
  PipelineLoadError,
  PipelineNotFoundError,
  UsageError,
  WorkerTaskCheckError,
} from './errors.js';
export { ExitCode } from './exit-codes.js';
export type { HtmlReportOptions, RenderHtml } from './html/html-report.js';
export { renderHtml } from './html/html-report.js';
export type { LoadedPipeline } from './load-pipeline.js';
export { loadPipeline } from './load-pipeline.js';
export type { CliIo, OutputStream } from './terminal.js';
