import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCrdFiles } from '../../../scripts/crd-files.ts';
import { buildCrd, CRD_SOURCES, findForbiddenConstructs } from '../../../src/api/index.ts';

const crdDir = join(import.meta.dirname, '../../../crds');

describe('generated CRDs', () => {
  it('match what the zod schemas generate (run npm run gen:crds after changing src/api/)', () => {
    const expected = renderCrdFiles();
    const onDisk = Object.fromEntries(readdirSync(crdDir).map((f) => [f, readFileSync(join(crdDir, f), 'utf8')]));
    expect(Object.keys(onDisk).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) expect(onDisk[name], name).toBe(text);
  });

  it.each(CRD_SOURCES.map((s) => [s.names.kind, s] as const))('%s has a structural schema the API server accepts', (_kind, source) => {
    const crd = buildCrd(source) as { spec: { versions: Array<{ schema: { openAPIV3Schema: unknown } }> } };
    expect(findForbiddenConstructs(crd.spec.versions[0]!.schema.openAPIV3Schema)).toEqual([]);
  });

  it('finds each construct the API server refuses', () => {
    const bad = {
      type: 'object',
      properties: {
        a: { $ref: '#/x' },
        b: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        c: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
        d: { type: 'object' },
      },
    };
    expect(findForbiddenConstructs(bad)).toEqual([
      '$.a: $ref',
      '$.b: oneOf',
      '$.c: additionalProperties beside properties',
      '$.d: object without properties',
    ]);
  });

  it('bounds every string and list so CEL cost estimates pass', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'string' && n.enum === undefined && n.maxLength === undefined) unbounded.push(path);
      if (n.type === 'array' && n.maxItems === undefined) unbounded.push(path);
      for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) walk(v, `${path}.${k}`);
      if (n.items !== undefined) walk(n.items, `${path}[]`);
    };
    for (const source of CRD_SOURCES) {
      const crd = buildCrd(source) as {
        spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }> };
      };
      const root = crd.spec.versions[0]!.schema.openAPIV3Schema.properties;
      walk(root.spec, `${source.names.kind}.spec`);
      walk(root.status, `${source.names.kind}.status`);
    }
    expect(unbounded).toEqual([]);
  });

  it('states a CEL message that names the field for every rule', () => {
    const crd = parse(readFileSync(join(crdDir, 'dataactions.dev_dataactionintegrations.yaml'), 'utf8')) as {
      spec: {
        versions: Array<{
          schema: { openAPIV3Schema: { properties: { spec: { 'x-kubernetes-validations': Array<{ message: string }> } } } };
        }>;
      };
    };
    const rules = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'];
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) expect(rule.message).toMatch(/^spec\.[a-zA-Z.]+ /);
  });
});
