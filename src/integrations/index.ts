// The public surface of the integration types. The eight kinds themselves stay private: the rest of
// the project reaches them only through the registry.
export {
  CREDENTIALS_NOT_NEEDED,
  INTEGRATION_KINDS,
  INTEGRATION_TITLES_IN_WORDS,
  INTEGRATION_TYPES,
  kindOf,
  UNCONFIRMED_FACTS,
  UnknownIntegrationTypeError,
} from './registry.ts';
export { defineKind } from './kind.ts';
export type {
  CelRule,
  CredentialIssue,
  CredentialMapping,
  CredentialPlan,
  IntegrationKind,
  KindDefinition,
  SecretData,
  SettingsBlock,
} from './kind.ts';
