import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INTEGRATION_KINDS, INTEGRATION_TYPES, kindOf, UnknownIntegrationTypeError } from '../../../src/integrations/index.ts';

function findStructuralProblems(node: unknown, path = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => findStructuralProblems(item, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const schema = node as Record<string, unknown>;
  const problems = ['$ref', 'oneOf'].filter((key) => key in schema).map((key) => `${path}: ${key}`);
  if ('properties' in schema && 'additionalProperties' in schema) problems.push(`${path}: additionalProperties beside properties`);
  return [...problems, ...Object.entries(schema).flatMap(([key, value]) => findStructuralProblems(value, `${path}.${key}`))];
}

describe('the integration registry', () => {
  it('lists eight types, each once, in a stable order', () => {
    expect(INTEGRATION_TYPES).toEqual([
      'Adobe',
      'AWSLambda',
      'GenesysCloud',
      'Google',
      'MicrosoftDynamics365',
      'Salesforce',
      'WebServices',
      'Zendesk',
    ]);
    expect(new Set(INTEGRATION_TYPES).size).toBe(INTEGRATION_KINDS.length);
  });

  it.each(INTEGRATION_KINDS.map((kind) => [kind.type, kind] as const))(
    'gives %s a slot and a credential plan for its default settings',
    (_type, kind) => {
      expect(kind.credentialSlot).not.toBe('');
      const plan = kind.credentials(undefined);
      expect(plan?.credentialTypeName).toMatch(/^[a-zA-Z]+$/);
      expect(plan?.map({})).toMatchObject({ ok: false });
    },
  );

  it.each([
    ['Adobe', undefined, 10],
    ['AWSLambda', 'aws-lambda-data-actions', 10],
    ['GenesysCloud', 'purecloud-data-actions', 10],
    ['Google', undefined, 100],
    ['MicrosoftDynamics365', 'microsoft-dynamics-data-actions', 10],
    ['Salesforce', 'salesforce-datadip', 50],
    ['WebServices', 'custom-rest-actions', 50],
    ['Zendesk', 'zendesk-data-actions', 10],
  ])('knows %s by platform type id %s, installable %d times', (type, typeId, limit) => {
    const kind = kindOf(type);
    expect(kind.platformTypeId).toBe(typeId);
    expect(kind.installLimit).toBe(limit);
    if (typeId !== undefined) {
      expect(kind.catalogueMatch({ id: typeId })).toBe(true);
      expect(kind.catalogueMatch({ id: 'function-data-actions', name: kind.title })).toBe(false);
    }
  });

  it.each([
    [
      'Google',
      { id: 'google-data-actions-x', name: 'Google Data Actions' },
      [
        { id: 'google-ccai', name: 'Google Contact Center AI' },
        { id: 'google-dialogflow-cx', name: 'Google Dialogflow CX' },
        { id: 'purecloud-data-actions', name: 'Genesys Cloud Data Actions' },
      ],
    ],
    [
      'Adobe',
      { id: 'adobe-datadip', name: 'Adobe Data Actions' },
      [
        { id: 'adobe-analytics', name: 'Adobe Analytics' },
        { id: 'custom-rest-actions', name: 'Web Services Data Actions' },
      ],
    ],
  ])('finds %s in the type catalogue by name and passes over its other integrations', (type, wanted, others) => {
    const kind = kindOf(type);
    expect(kind.catalogueMatch(wanted)).toBe(true);
    for (const other of others) expect(kind.catalogueMatch(other)).toBe(false);
  });

  it('warns of deprecation for Adobe only, citing the help center', () => {
    const deprecated = INTEGRATION_KINDS.filter((kind) => kind.deprecation !== undefined).map((kind) => kind.type);
    expect(deprecated).toEqual(['Adobe']);
    expect(kindOf('Adobe').deprecation).toContain('https://es-help.mypurecloud.com/?p=177879');
  });

  it('refuses an unknown type with a stable code', () => {
    expect(() => kindOf('Dropbox')).toThrow(UnknownIntegrationTypeError);
    expect(() => kindOf('Dropbox')).toThrow(expect.objectContaining({ code: 'UnknownIntegrationType', type: 'Dropbox' }));
  });

  it.each(INTEGRATION_KINDS.filter((kind) => kind.settings !== undefined).map((kind) => [kind.type, kind] as const))(
    'turns the %s settings into a structural schema with a description on every field',
    (_type, kind) => {
      // As the CRD generator converts it: `input`, so fields with a default stay optional to the user.
      const schema = z.toJSONSchema(kind.settings!.schema, { target: 'openapi-3.0', io: 'input' }) as {
        properties: Record<string, { description?: string; default?: unknown }>;
      };
      expect(findStructuralProblems(schema)).toEqual([]);
      for (const field of Object.values(schema.properties)) {
        expect(field.description).toMatch(/\S/);
        expect(field.default).toBeDefined();
      }
    },
  );
});
