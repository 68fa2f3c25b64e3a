// One vocabulary: condition types, condition reasons and Event reasons are defined once, in src/api, and
// spelled everywhere else through those constants, so a rename cannot miss a place.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONDITION_TYPES, EVENT_REASONS, ORGANIZATION_READY_REASONS, READY_REASONS, SYNCED_REASONS } from '../../src/api/index.ts';

const words = new Set<string>(
  [CONDITION_TYPES, READY_REASONS, SYNCED_REASONS, ORGANIZATION_READY_REASONS, EVENT_REASONS].flatMap((table) => Object.values(table)),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

// Where the same words mean something else: errors' stable codes (the platform client's, and
// `case 'Unauthorized':` or `code === 'EndpointNotAllowed'` where they are read), which map onto reasons.
const OTHER_VOCABULARIES = ['src/platform/'];
const isErrorCode = (line: string): boolean => /\bcase '|\bcode\b/.test(line);

describe('one vocabulary', () => {
  it('spells no condition type, condition reason or Event reason as a literal outside src/api', () => {
    const literals = sourceFiles('src')
      .filter((file) => !file.startsWith('src/api/') && !OTHER_VOCABULARIES.some((dir) => file.startsWith(dir)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            isErrorCode(line)
              ? []
              : [...line.matchAll(/'([A-Za-z]+)'/g)].filter((m) => words.has(m[1]!)).map((m) => `${file}:${index + 1} ${m[0]}`),
          ),
      );
    expect(literals).toEqual([]);
  });

  it.each([
    { concept: 'the condition', definition: /^export (interface|type) Condition\b/ },
    { concept: 'the reconcile result', definition: /^export interface ReconcileResult\b/ },
    { concept: 'the API version', definition: /^export const API_VERSION\b/ },
    { concept: 'the intended state', definition: /^export type IntendedState\b/ },
    { concept: 'the clock', definition: /^export interface Clock\b/ },
    { concept: 'the exponential backoff', definition: /\* 2 \*\*/ },
  ])('defines $concept once', ({ definition }) => {
    const places = sourceFiles('src').filter((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .some((line) => definition.test(line.trim())),
    );
    expect(places).toHaveLength(1);
  });
});
