import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

// Codes and their rows in docs/errors.md are checked for every package at once
// in packages/processes/test/error-codes.test.ts.
describe('error classes', () => {
  it('errors carry their class name and are ProcessesError instances', () => {
    const error = new api.DependencyNotFoundError('report', 'laod');
    expect(error).toBeInstanceOf(api.ProcessesError);
    expect(error.name).toBe('DependencyNotFoundError');
    expect(error.taskName).toBe('report');
    expect(error.missingDependency).toBe('laod');
    expect(Object.keys(error)).not.toContain('name');
  });
});
