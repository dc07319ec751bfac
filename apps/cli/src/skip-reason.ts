/** What a skipped task's entry or event says about its skip. */
export interface SkipFacts {
  readonly because?: string | undefined;
  readonly skippedBecause?: string | undefined;
  /** The trigger rule and the dependencies that refuted it (report schema v2; absent in older reports). */
  readonly skip?: { readonly rule: string; readonly upstream: readonly string[] } | undefined;
}

/** Why a task was skipped, in words: `because load errored`, or its rule and the dependencies that refuted it. */
export function skipReason(facts: SkipFacts): string {
  const because = facts.because ?? facts.skippedBecause;
  if (!facts.skip || facts.skip.rule === 'allSuccess')
    return because ? `because ${because} errored` : 'a dependency errored';
  return `runIf ${facts.skip.rule} not met by ${facts.skip.upstream.join(', ') || 'its dependencies'}`;
}

/** `5 items · 1 failed`: a mapped task's summary from its report entry. */
export function mapSummary(map: { readonly items: number; readonly failed: number }): string {
  return `${map.items} items${map.failed > 0 ? ` · ${map.failed} failed` : ''}`;
}
