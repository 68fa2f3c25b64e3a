// Builds CustomResourceDefinitions from the zod schemas. crds/ is generated from here and never edited.
import { z } from 'zod';
import { CATEGORY, GROUP, VERSION } from './group.ts';

type JsonSchema = { [key: string]: unknown };

export interface CrdSource {
  readonly names: {
    readonly kind: string;
    readonly listKind: string;
    readonly plural: string;
    readonly singular: string;
    readonly shortNames: readonly string[];
  };
  readonly description: string;
  readonly spec: z.ZodType;
  readonly status: z.ZodType;
  readonly printerColumns: ReadonlyArray<{ name: string; type: string; jsonPath: string; priority?: number }>;
}

/** Keys the API server refuses in a structural schema (or that make CEL cost estimates unbounded). */
export const FORBIDDEN_KEYS = ['$ref', '$defs', 'definitions', 'oneOf', 'anyOf', 'allOf', 'not', 'const', '$schema', 'id'] as const;

// zod states JavaScript's safe-integer range on every int; Kubernetes needs no such bound and the
// numbers only make `kubectl explain` noisy.
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (key === '$schema') continue;
    // A looseObject says "any other field" with an empty additionalProperties; in a structural schema
    // x-kubernetes-preserve-unknown-fields says it, and the empty schema beside properties is refused. An
    // empty properties beside it the API server drops, which a server-side apply would then fight over.
    const preserves = (node as JsonSchema)['x-kubernetes-preserve-unknown-fields'] === true;
    if ((key === 'additionalProperties' || key === 'properties') && preserves && isEmptySchema(value)) continue;
    if ((key === 'maximum' && value === SAFE_INTEGER) || (key === 'minimum' && value === -SAFE_INTEGER)) continue;
    // Properties are schemas keyed by field name: clean the schemas, never the names.
    out[key] =
      key === 'properties' && value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, clean(v)]))
        : clean(value);
  }
  return out;
}

function isEmptySchema(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

/** Every place a schema breaks the structural rules, as a JSON path and a reason. */
export function findForbiddenConstructs(schema: unknown, path = '$'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => findForbiddenConstructs(item, `${path}[${i}]`));
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as JsonSchema;
  const problems: string[] = [];
  for (const key of FORBIDDEN_KEYS) {
    if (key in node && !(key === 'id' && path.endsWith('.properties'))) problems.push(`${path}: ${key}`);
  }
  if ('properties' in node && 'additionalProperties' in node) problems.push(`${path}: additionalProperties beside properties`);
  if (
    node.type === 'object' &&
    !('properties' in node) &&
    !('additionalProperties' in node) &&
    !('x-kubernetes-preserve-unknown-fields' in node) &&
    !path.endsWith('.metadata')
  ) {
    problems.push(`${path}: object without properties`);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value !== null && typeof value === 'object') {
      for (const [field, sub] of Object.entries(value as JsonSchema)) problems.push(...findForbiddenConstructs(sub, `${path}.${field}`));
    } else if (key === 'items' || key === 'additionalProperties') {
      problems.push(...findForbiddenConstructs(value, `${path}.${key}`));
    }
  }
  return problems;
}

export function toOpenApiSchema(schema: z.ZodType): JsonSchema {
  // `input`: a field with a default is optional to the user; the API server applies the default.
  return clean(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' })) as JsonSchema;
}

export function buildCrd(source: CrdSource): JsonSchema {
  const openAPIV3Schema: JsonSchema = {
    type: 'object',
    description: source.description,
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object' },
      spec: toOpenApiSchema(source.spec),
      status: toOpenApiSchema(source.status),
    },
    required: ['spec'],
  };
  const problems = findForbiddenConstructs(openAPIV3Schema);
  if (problems.length > 0) throw new Error(`Schema of ${source.names.kind} is not structural:\n${problems.join('\n')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${source.names.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'dataaction-operator', 'app.kubernetes.io/part-of': 'dataaction-operator' },
    },
    spec: {
      group: GROUP,
      names: { ...source.names, shortNames: [...source.names.shortNames], categories: [CATEGORY] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: source.printerColumns.map((c) => ({ ...c })),
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}
