// DataAction: one data action of a DataActionIntegration, declared next to it. Shapes follow the SDK's
// models (`PostActionInput`, `ActionConfig`, `RequestConfig`, `ResponseConfig`; docs/platform-facts.md §11).
import { z } from 'zod';
import { ConditionsSchema } from './conditions.ts';
import { LocalObjectReferenceSchema, ObjectMetaSchema } from './common.ts';
import { DELETION_POLICIES } from './data-action-integration.ts';
import { API_VERSION, GROUP, VERSION } from './group.ts';

/** `PostActionInput`: names and categories are up to 256 characters. */
export const ACTION_NAME_MAX = 256;
export const TEMPLATE_MAX = 262_144;
export const REQUEST_TYPES = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;

const PRESERVE = { 'x-kubernetes-preserve-unknown-fields': true } as const;

/** Any JSON below a declared field: a JSON Schema's properties, items and the rest are the user's. */
const AnyObject = z.looseObject({}).meta(PRESERVE);

/**
 * A JSON Schema document whose root `type` is one of `rootTypes`. Everything else passes through as the
 * user wrote it (the API server keeps unknown fields, the operator does not strip them).
 */
function jsonSchemaDocument(rootTypes: readonly [string, ...string[]], field: string): z.ZodType {
  return z
    .looseObject({
      type: z.enum(rootTypes).describe(`The root type of the schema: ${rootTypes.join(' or ')}.`),
      properties: AnyObject.optional().describe('The JSON Schema properties of the root.'),
      items: AnyObject.optional().describe('The JSON Schema of the items, for an array root.'),
    })
    .meta({
      ...PRESERVE,
      'x-kubernetes-validations': [
        {
          rule: "self.type != 'object' || !has(self.items)",
          message: `${field} has items, which only an array schema may have`,
          reason: 'FieldValueInvalid',
        },
        {
          rule: "self.type != 'array' || has(self.items)",
          message: `${field} is an array schema without items`,
          reason: 'FieldValueRequired',
        },
      ],
    });
}

const ConfigMapKeyRefSchema = z.object({
  configMapKeyRef: z
    .object({
      name: LocalObjectReferenceSchema.shape.name.describe('A ConfigMap in the same namespace.'),
      key: z.string().min(1).max(253).describe('The key holding the template.'),
    })
    .describe('A ConfigMap key in the same namespace.'),
});

/** Exactly one of the inline text and the ConfigMap key, never both. */
function oneSource(field: string, from: string): { rule: string; message: string; reason: 'FieldValueForbidden' } {
  return {
    rule: `!(has(self.${field}) && has(self.${from}))`,
    message: `set either ${field} or ${from}, not both`,
    reason: 'FieldValueForbidden',
  };
}

export const DataActionRequestSchema = z
  .object({
    urlTemplate: z.string().max(4096).optional().describe('URL, with Velocity placeholders such as ${input.id} (requestUrlTemplate).'),
    method: z.enum(REQUEST_TYPES).default('GET').describe('HTTP method (requestType).'),
    headers: z.record(z.string(), z.string().max(4096)).optional().describe('Headers to send, name to value.'),
    requestTemplate: z.string().max(TEMPLATE_MAX).optional().describe('Velocity template of the request body, inline.'),
    requestTemplateFrom: ConfigMapKeyRefSchema.optional().describe('The request body template, from a ConfigMap key.'),
  })
  .meta({ 'x-kubernetes-validations': [oneSource('requestTemplate', 'requestTemplateFrom')] });

export const DataActionResponseSchema = z
  .object({
    translationMap: z.record(z.string(), z.string().max(4096)).optional().describe('Attribute name to JSON path into the response.'),
    translationMapDefaults: z
      .record(z.string(), z.string().max(4096))
      .optional()
      .describe('Attribute name to the value used when its JSON path finds nothing.'),
    successTemplate: z.string().max(TEMPLATE_MAX).optional().describe('Velocity template of the result, inline.'),
    successTemplateFrom: ConfigMapKeyRefSchema.optional().describe('The success template, from a ConfigMap key.'),
  })
  .meta({ 'x-kubernetes-validations': [oneSource('successTemplate', 'successTemplateFrom')] });

export const DataActionSpecSchema = z.object({
  integrationRef: LocalObjectReferenceSchema.describe('The DataActionIntegration (same namespace) the action belongs to.'),
  category: z.string().min(1).max(ACTION_NAME_MAX).describe('The category the action is listed under (often the integration name).'),
  displayName: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('The action name on the platform (default metadata.name). Architect flows call actions by category and name.'),
  secure: z.boolean().default(false).describe('Whether the action handles sensitive data (a secure data action).'),
  contract: z
    .object({
      input: jsonSchemaDocument(['object'], 'spec.contract.input').describe('JSON Schema of the input (an object schema).'),
      output: jsonSchemaDocument(['object', 'array'], 'spec.contract.output').describe(
        'JSON Schema of the successful result (an object, or an array with items).',
      ),
    })
    .describe('The input and output contracts, as JSON Schema.'),
  request: DataActionRequestSchema.default({ method: 'GET' }).describe('The outbound request.'),
  response: DataActionResponseSchema.optional().describe('How the response is turned into the output.'),
  timeoutSeconds: z.number().int().min(1).max(60).optional().describe('Timeout of one execution, 1 to 60 seconds.'),
  deletionPolicy: z
    .enum(DELETION_POLICIES)
    .default('Delete')
    .describe('Delete removes the action from the platform with the resource; Orphan leaves it.'),
  test: z
    .object({ input: AnyObject.describe('The input to test the published action with.') })
    .optional()
    .describe('When set, the published action is tested with this input and the outcome told in the Tested condition.'),
});
export type DataActionSpec = z.infer<typeof DataActionSpecSchema>;

export const DataActionStatusSchema = z.object({
  observedGeneration: z.number().int().min(0).optional().describe('The generation the status was computed from.'),
  actionId: z.string().max(256).optional().describe('The platform id of the action.'),
  integrationId: z.string().max(128).optional().describe('The platform id of the integration the action belongs to.'),
  version: z.number().int().min(0).optional().describe('The published version of the action.'),
  platformName: z.string().max(ACTION_NAME_MAX).optional().describe('The action name on the platform.'),
  conditions: ConditionsSchema.optional(),
});
export type DataActionStatus = z.infer<typeof DataActionStatusSchema>;

export const DataActionSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('DataAction'),
  metadata: ObjectMetaSchema,
  spec: DataActionSpecSchema,
  status: DataActionStatusSchema.optional(),
});
export type DataAction = z.infer<typeof DataActionSchema>;

export const DATA_ACTION_NAMES = {
  kind: 'DataAction',
  listKind: 'DataActionList',
  plural: 'dataactions',
  singular: 'dataaction',
  shortNames: ['da'],
} as const;

/** Where DataActions live in the API (a kube ResourceRef). */
export const DATA_ACTION_RESOURCE = { group: GROUP, version: VERSION, plural: DATA_ACTION_NAMES.plural } as const;

/** `dataactions.dev/action-id`: set by a user to adopt an existing action; written by the operator after a create. */
export const ACTION_ID_ANNOTATION = `${GROUP}/action-id`;

/**
 * `dataactions.dev/action-missing-since`: when the action the operator recorded first answered 404 (an RFC 3339
 * time); the 404 is believed only once it persists, as for integrations (`integration-missing-since`).
 */
export const ACTION_MISSING_SINCE_ANNOTATION = `${GROUP}/action-missing-since`;

export const DATA_ACTION_PRINTER_COLUMNS = [
  { name: 'Integration', type: 'string', jsonPath: '.spec.integrationRef.name' },
  { name: 'Name On Platform', type: 'string', jsonPath: '.status.platformName' },
  { name: 'Version', type: 'integer', jsonPath: '.status.version' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Synced', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].status' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Action ID', type: 'string', jsonPath: '.status.actionId', priority: 1 },
  { name: 'Tested', type: 'string', jsonPath: '.status.conditions[?(@.type=="Tested")].status', priority: 1 },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].reason', priority: 1 },
] as const;
