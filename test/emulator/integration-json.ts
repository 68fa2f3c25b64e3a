// How integrations and their configuration look on the wire (docs/platform-facts.md §2).
import type { EmulatorContext } from './context.ts';
import { EMPTY_NOTES } from './guesses.ts';
import type { ReportedStateCode, StoredIntegration } from './store.ts';
import { renderIntegrationType } from './types-api.ts';

const INTEGRATIONS_PATH = '/api/v2/integrations';

const EFFECTIVE: Readonly<Record<ReportedStateCode, string>> = {
  ACTIVE: 'Active',
  ACTIVATING: 'Activating',
  INACTIVE: 'Inactive',
  DEACTIVATING: 'Deactivating',
  ERROR: 'Error',
};

export function integrationUri(id: string): string {
  return `${INTEGRATIONS_PATH}/${id}`;
}

export function renderNotes(notes: string): string {
  return notes === '' ? EMPTY_NOTES : notes;
}

export function renderConfig(context: EmulatorContext, integration: StoredIntegration): Record<string, unknown> {
  const credentials = Object.fromEntries(
    Object.entries(integration.credentials).map(([slot, credentialId]) => {
      const credential = context.store.credentials.get(credentialId);
      // A credential deleted after linking stays referenced by id only.
      const info =
        credential === undefined
          ? { id: credentialId }
          : { id: credential.id, name: credential.name, selfUri: `${INTEGRATIONS_PATH}/credentials/${credential.id}` };
      return [slot, info];
    }),
  );
  return {
    id: integration.id,
    name: integration.name,
    version: integration.version,
    properties: structuredClone(integration.properties),
    advanced: structuredClone(integration.advanced),
    notes: renderNotes(integration.notes),
    credentials,
    selfUri: `${integrationUri(integration.id)}/config/current`,
  };
}

export function renderIntegration(context: EmulatorContext, integration: StoredIntegration): Record<string, unknown> {
  const type = context.catalogue.findType(integration.typeId);
  return {
    id: integration.id,
    name: integration.name,
    integrationType: type === undefined ? { id: integration.typeId } : renderIntegrationType(type),
    notes: renderNotes(integration.notes),
    intendedState: integration.intendedState,
    config: { current: renderConfig(context, integration) },
    reportedState: {
      code: integration.reportedState,
      effective: EFFECTIVE[integration.reportedState],
      detail: {
        localizableMessageCode: `integration.state.${integration.reportedState.toLowerCase()}`,
        message: EFFECTIVE[integration.reportedState],
        messageWithParams: EFFECTIVE[integration.reportedState],
        messageParams: {},
      },
      lastUpdated: new Date(integration.reportedStateUpdatedAt).toISOString(),
    },
    attributes: { ...integration.attributes },
    selfUri: integrationUri(integration.id),
  };
}
