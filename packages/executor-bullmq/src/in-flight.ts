import type { AttemptOutcome, AttemptRequest } from 'processes-core';

/** One attempt whose job the coordinator is waiting on. */
export class InFlight {
  readonly jobId: string;
  readonly request: AttemptRequest;
  /** When the attempt was handed to the executor (epoch ms). */
  readonly addedAt: number;
  /** Blob keys this attempt owns, deleted once its job is done. */
  readonly blobs: string[];
  /** Settles once the job has been added (or adding it failed). */
  added: Promise<unknown> | undefined;
  addedOk = false;
  settled = false;
  checking = false;
  /** How many of the job's log lines have reached the coordinator's sink. */
  linesReplayed = 0;
  /** A hint arrived during a check: check again after it. */
  recheck = false;
  resolve: (outcome: AttemptOutcome) => void = () => undefined;
  detach: () => void = () => undefined;

  constructor(jobId: string, request: AttemptRequest, addedAt: number, blobs: string[]) {
    this.jobId = jobId;
    this.request = request;
    this.addedAt = addedAt;
    this.blobs = blobs;
  }

  get taskName(): string {
    return this.request.task.name;
  }
}
