/**
 * Which attempts are short enough to send to a thread in batches. A batch
 * runs its attempts one after the other on one thread, so batching long
 * attempts would leave other threads idle; it is worth it only where the
 * message round trip is a real share of the attempt. Each task function
 * (module and export) keeps a moving average of how long its attempts ran
 * on a thread; an unknown function is never batched until one attempt has
 * told how long it takes.
 */

/** A batch should take about this long on its thread: short enough not to hold up others, long enough to pay off. */
const BATCH_BUDGET_MS = 1;
/** At most this many attempts in one message. */
export const MAX_BATCH = 32;
/**
 * A fused chain's links run one after the other whatever happens (each
 * needs the one before), so a longer message holds up no other attempt of
 * its run; it may take this long on its thread, and as many links as that.
 * The fair queue counts it as that many attempts (fair-queue.ts `size`).
 */
const CHAIN_BUDGET_MS = 4;
export const MAX_CHAIN = 128;
/** Weight of the newest duration in the moving average (the first attempt, which imports the module, fades fast). */
const WEIGHT = 0.25;
/** Forget everything past this many functions: a bound, not a cache policy. */
const MAX_FUNCTIONS = 1000;

export class AttemptDurations {
  readonly #byModule = new Map<string, Map<string, number>>();
  #functions = 0;

  /** Records that an attempt of `moduleUrl#exportName` ran `ms` on its thread. */
  record(moduleUrl: string, exportName: string, ms: number): void {
    let byExport = this.#byModule.get(moduleUrl);
    if (!byExport) {
      if (this.#functions >= MAX_FUNCTIONS) {
        this.#byModule.clear();
        this.#functions = 0;
      }
      byExport = new Map();
      this.#byModule.set(moduleUrl, byExport);
    }
    const average = byExport.get(exportName);
    if (average === undefined) this.#functions++;
    byExport.set(exportName, average === undefined ? ms : average + WEIGHT * (ms - average));
  }

  /** How many links of a fused chain may be calls of this function (1: it may not be fused). */
  chainLimit(moduleUrl: string, exportName: string): number {
    const average = this.#byModule.get(moduleUrl)?.get(exportName);
    if (average === undefined || average >= BATCH_BUDGET_MS / 2) return 1;
    return Math.min(MAX_CHAIN, Math.floor(CHAIN_BUDGET_MS / Math.max(average, CHAIN_BUDGET_MS / MAX_CHAIN)));
  }

  /** How many attempts of this function may go in one message (1: send it alone). */
  batchLimit(moduleUrl: string, exportName: string): number {
    const average = this.#byModule.get(moduleUrl)?.get(exportName);
    if (average === undefined || average >= BATCH_BUDGET_MS / 2) return 1;
    return Math.min(MAX_BATCH, Math.floor(BATCH_BUDGET_MS / Math.max(average, BATCH_BUDGET_MS / MAX_BATCH)));
  }
}
