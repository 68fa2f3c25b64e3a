// Per-type facts live in the type's file: the guesses about each type are in one list per file
// (UNCONFIRMED), nothing outside src/integrations names a type, and integrations/ and api/ reach the
// platform client through its index only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_KINDS, UNCONFIRMED_FACTS } from '../../../src/integrations/index.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('per-type facts', () => {
  it('lists what is not confirmed about each type, in its own file', () => {
    const listed = Object.fromEntries(Object.entries(UNCONFIRMED_FACTS).map(([type, facts]) => [type, Object.keys(facts)]));
    expect(listed).toEqual({
      Adobe: ['catalogueMatch', 'credentialSlot', 'credentialTypeName', 'fields'],
      Google: ['catalogueMatch', 'credentialSlot', 'credentialTypeNames', 'cloudPlatformFields', 'gSuiteFields'],
      WebServices: ['digiCertCertificateAuthority'],
    });
    for (const type of Object.keys(UNCONFIRMED_FACTS)) {
      const file = `src/integrations/${type.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.ts`;
      expect(readFileSync(file, 'utf8'), file).toContain('export const UNCONFIRMED = {');
    }
  });

  it('names no integration type outside src/integrations', () => {
    // "Genesys Cloud" is also the platform's name (and "genesyscloud" its tools'): only the exact
    // GenesysCloud type value counts for it.
    const others = INTEGRATION_KINDS.filter((kind) => kind.type !== 'GenesysCloud').flatMap((kind) => [kind.type, kind.title]);
    const vendor = new RegExp(`\\b(${others.map((name) => name.replace(/ /g, '\\s+')).join('|')})\\b`, 'i');
    const pattern = { test: (line: string): boolean => vendor.test(line) || /\bGenesysCloud\b/.test(line) };
    const naming = sourceFiles('src')
      .filter((file) => !file.startsWith('src/integrations/'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) => (pattern.test(line) ? [`${file}:${index + 1} ${line.trim()}`] : [])),
      );
    expect(naming).toEqual([]);
  });

  it('reaches the platform client from integrations/ and api/ through src/platform/index.ts only', () => {
    const deep = ['src/integrations', 'src/api'].flatMap((dir) =>
      sourceFiles(dir).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/from '(\.\.\/platform\/[^']+)'/g)]
          .filter((m) => m[1] !== '../platform/index.ts')
          .map((m) => `${file} imports ${m[1]}`),
      ),
    );
    expect(deep).toEqual([]);
  });
});
