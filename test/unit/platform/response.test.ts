// Answers from the platform: JSON nulls read as absent, exactly as they did when a reviver dropped them.
import { describe, expect, it } from 'vitest';
import { configOf, integrationSchema } from '../../../src/platform/schemas.ts';
import { parseJson, readAs } from '../../../src/platform/response.ts';

/** What parseJson returned when JSON.parse dropped nulls through a reviver: the behaviour to keep. */
function withReviver(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (value === null ? undefined : value)) as unknown;
}

/** One integration as the platform's Java model may serialise it: unset fields written as null. */
const integrationWithNulls = {
  id: 'i1',
  name: 'crm',
  integrationType: { id: 'webservice', name: null, images: null },
  notes: null,
  intendedState: 'ENABLED',
  reportedState: { code: 'ACTIVE', effective: 'Active', detail: null, lastUpdated: null },
  attributes: null,
  config: { current: { name: 'crm', version: 2, properties: { url: null, depth: [1, null, { a: null }] }, notes: null } },
  selfUri: null,
};

describe('parseJson', () => {
  it.each([
    { scenario: 'a field set to null is dropped', text: '{"a":1,"b":null}', expected: { a: 1 } },
    {
      scenario: 'nulls nested in objects and arrays are dropped',
      text: '{"x":[{"y":null,"z":2}],"w":{"v":{"u":null}}}',
      expected: { x: [{ z: 2 }], w: { v: {} } },
    },
    { scenario: 'a null answer reads as undefined', text: 'null', expected: undefined },
    {
      scenario: 'a text that only spells null in a string is kept whole',
      text: '{"name":"nullable","n":0}',
      expected: { name: 'nullable', n: 0 },
    },
    {
      scenario: 'an answer without nulls is kept whole',
      text: '{"entities":[{"id":"a"}],"total":1}',
      expected: { entities: [{ id: 'a' }], total: 1 },
    },
    { scenario: 'empty text reads as undefined', text: '  \n', expected: undefined },
    { scenario: 'malformed text reads as undefined', text: '{"a":', expected: undefined },
    { scenario: 'a bare value is kept', text: '"ACTIVE"', expected: 'ACTIVE' },
  ])('$scenario', ({ text, expected }) => {
    expect(parseJson(text)).toStrictEqual(expected);
  });

  it('leaves a hole where an array held null, as the reviver did', () => {
    const parsed = parseJson('[1,null,3]') as unknown[];
    expect(parsed).toHaveLength(3);
    expect(1 in parsed).toBe(false);
    expect(parsed).toStrictEqual(withReviver('[1,null,3]'));
  });

  it('reads a page of integrations with null fields exactly as the reviver did', () => {
    const text = JSON.stringify({ entities: [integrationWithNulls, { ...integrationWithNulls, id: 'i2' }], pageSize: 2, total: 2 });
    expect(parseJson(text)).toStrictEqual(withReviver(text));
  });

  it('lets the schema read a null field as absent', () => {
    const integration = readAs(integrationSchema, parseJson(JSON.stringify(integrationWithNulls)), 'integration');
    expect(integration.notes).toBeUndefined();
    expect(integration.attributes).toBeUndefined();
    expect(integration.reportedState).toStrictEqual({ code: 'ACTIVE', effective: 'Active' });
    expect(configOf(integration)?.properties).toStrictEqual({ depth: withReviver('[1,null,{"a":null}]') });
    expect(configOf(integration)?.notes).toBe('');
  });
});
