export * from './group.ts';
export * from './conditions.ts';
export * from './common.ts';
export * from './organization.ts';
export * from './data-action-integration.ts';
export * from './data-action.ts';
export type * from './objects.ts';
export { buildCrd, findForbiddenConstructs, toOpenApiSchema } from './crd.ts';
export { CRD_SOURCES } from './crds.ts';
