// The first run of a fresh process (what a CLI run is): prints its rate as JSON.
//   node dist/main-first-run.js sequential|parallel
import { MAIN_TASKS, mainThreadProcess, mainThreadRate } from './main-thread-tasks.js';

const parallel = process.argv[2] === 'parallel';
const rate = await mainThreadRate(mainThreadProcess(MAIN_TASKS), parallel);
console.log(JSON.stringify(rate));
