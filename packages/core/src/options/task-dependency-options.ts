import { z } from 'zod';
import { aBoolean, described, type Parsed, type ShapeOf } from './field.js';

/** Options of a `TaskDependency`. */
export interface TaskDependencyOptions {
  /** Append the dependency's result to the task's positional arguments. @default false */
  useResultAsAdditionalArgs?: boolean;
  /** Put the dependency's result into the task's options object under `additionalKwargName`. @default false */
  useResultAsAdditionalKwargs?: boolean;
  /** The options-object key for the injected result; required with `useResultAsAdditionalKwargs`. */
  additionalKwargName?: string;
}

/** The defaults of {@link TaskDependencyOptions}. */
export const TASK_DEPENDENCY_DEFAULTS: Readonly<Required<TaskDependencyOptions>> = Object.freeze({
  useResultAsAdditionalArgs: false,
  useResultAsAdditionalKwargs: false,
  additionalKwargName: '',
});

export const taskDependencyOptionsSchema: z.ZodType<Parsed<TaskDependencyOptions>> = z.strictObject({
  useResultAsAdditionalArgs: aBoolean().optional(),
  useResultAsAdditionalKwargs: aBoolean().optional(),
  additionalKwargName: described(z.string().min(1), 'a non-empty string').optional(),
} satisfies ShapeOf<TaskDependencyOptions>);
