// The messages between `processes validate` and the throwaway thread that
// loads the pipeline's worker task modules (module-check-thread.ts).

/** What the thread is given: each module once, with the exports its tasks name. */
export interface CheckRequest {
  readonly modules: readonly { readonly moduleUrl: string; readonly exportNames: readonly string[] }[];
}

/** An import that failed, as data. */
export interface ImportFailure {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  /** `file:line:column` of a syntax error, when the engine says where. */
  readonly location: string | undefined;
}

export type CheckMessage =
  /** The thread is about to import this module (so a crash or a hang can be blamed on it). */
  | { readonly kind: 'loading'; readonly moduleUrl: string }
  /** One module: its import failed, or what each asked-for export is (`typeof`, or `missing`). */
  | {
      readonly kind: 'module';
      readonly moduleUrl: string;
      readonly failure: ImportFailure | undefined;
      readonly exports: Readonly<Record<string, string>>;
      /** The module's export names, for suggestions. */
      readonly available: readonly string[];
    }
  | { readonly kind: 'done' };
