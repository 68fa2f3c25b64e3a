// Integration lifecycle rules shared by the public API and the control API.
import { randomUUID } from 'node:crypto';
import { defaultSettings, type IntegrationTypeDef } from './catalogue.ts';
import type { EmulatorContext } from './context.ts';
import { badRequest } from './errors.ts';
import { EMPTY_NOTES, maxInstancesReached } from './guesses.ts';
import type { IntendedState, ReportedStateCode, StoredIntegration } from './store.ts';

export function integrationTypeOf(context: EmulatorContext, typeId: unknown): IntegrationTypeDef {
  if (typeof typeId !== 'string' || typeId === '') throw badRequest('integrationType.id is required', 'integrationType.id');
  const type = context.catalogue.findType(typeId);
  if (type === undefined) throw badRequest(`Integration type ${typeId} does not exist`, 'integrationType.id');
  return type;
}

/** The first of "X", "X 2", "X 3", ... that no live integration carries (help center, §9). */
export function numberedDefaultName(context: EmulatorContext, defaultName: string): string {
  const taken = new Set(context.store.liveIntegrations().map((i) => i.name));
  if (!taken.has(defaultName)) return defaultName;
  for (let n = 2; ; n += 1) {
    const candidate = `${defaultName} ${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Creates an integration as the platform does: the install limit holds, a missing name gets the numbered
 * default, and it starts DISABLED / INACTIVE. A given name is kept even when taken (duplicates are allowed, §9). */
export function createIntegration(context: EmulatorContext, type: IntegrationTypeDef, name?: string): StoredIntegration {
  const installed = context.store.liveIntegrations().filter((i) => i.typeId === type.id).length;
  if (installed >= type.maxInstances) throw maxInstancesReached(type.maxInstances, type.id);
  const now = context.clock.now();
  const integration: StoredIntegration = {
    id: randomUUID(),
    typeId: type.id,
    name: name !== undefined && name !== '' ? name : numberedDefaultName(context, type.defaultName),
    notes: '',
    version: 1,
    properties: defaultSettings(type.propertiesSchema),
    advanced: defaultSettings(type.advancedSchema),
    credentials: {},
    intendedState: 'DISABLED',
    reportedState: 'INACTIVE',
    reportedStateUpdatedAt: now,
    attributes: {},
    createdAt: now,
    listedFrom: now + context.store.timing.listLagMs,
  };
  context.store.integrations.set(integration.id, integration);
  return integration;
}

/** Drives the reported state toward the intended one through ACTIVATING / DEACTIVATING. */
export function applyIntendedState(context: EmulatorContext, integration: StoredIntegration, intended: IntendedState): void {
  integration.intendedState = intended;
  const [via, target]: [ReportedStateCode, ReportedStateCode] =
    intended === 'ENABLED' ? ['ACTIVATING', 'ACTIVE'] : ['DEACTIVATING', 'INACTIVE'];
  const heading = integration.pendingState?.code ?? integration.reportedState;
  if (heading === target) return;
  context.store.transition(integration, via, target, context.stateTransitionMs);
}

/** The quirk string clients send back after reading empty notes means empty notes (§2). */
export function storedNotes(notes: unknown): string {
  if (notes === undefined || notes === null || notes === EMPTY_NOTES) return '';
  if (typeof notes !== 'string') throw badRequest('notes must be a string', 'notes');
  return notes;
}
