// `processes-js/cli`: the `processes` command as a library (processes-cli),
// for a runner of your own; the command itself is node_modules/.bin/processes.
export * from 'processes-cli';
