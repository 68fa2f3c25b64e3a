// The Genesys Cloud client: everything other parts of the operator may use.
export { createPlatformClient, createRequestBudget } from './client.ts';
export type { RequestBudget } from './budget.ts';
export type {
  CreateIntegrationRequest,
  CredentialRequest,
  ListIntegrationsFilter,
  PlatformClient,
  PlatformClientOptions,
} from './client.ts';
export { isPlatformError, PlatformError, provesNothingCreated } from './errors.ts';
export type { PlatformErrorCode } from './errors.ts';
export { endpointsForRegion, REGION_HOSTS, REGIONS } from './regions.ts';
export type { PlatformEndpoints, Region } from './regions.ts';
export { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
export type { RetryPolicy } from './retry-policy.ts';
export { configOf } from './schemas.ts';
export type {
  Credential,
  CredentialInfo,
  CredentialRef,
  CredentialSpecification,
  CredentialType,
  Integration,
  IntegrationConfig,
  IntegrationConfigUpdate,
  IntegrationType,
  IntendedState,
  Organization,
  ReportedState,
  ReportedStateCode,
} from './schemas.ts';
export type { CallObservation, ClientStats, HttpMethod } from './stats.ts';
export * from './unconfirmed.ts';
export { createActionsClient } from './actions-client.ts';
export type { Action, ActionContent, ActionsClient, DraftValidationResult, TestExecutionResult } from './actions-client.ts';
