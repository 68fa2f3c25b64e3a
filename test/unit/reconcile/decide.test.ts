import { describe, expect, it } from 'vitest';
import { afterAct, CREATE_GRACE_MS, decide, NOT_FOUND_GRACE_MS, TRANSITION_POLL_MS } from '../../../src/reconcile/decide.ts';
import type { Action, DesiredIntegration, Observation, ObservedIntegration, ObservedResource } from '../../../src/reconcile/model.ts';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const UID = '5b2f0c1e-0000-4000-8000-000000000001';

function resource(over: Partial<ObservedResource> = {}): ObservedResource {
  return {
    uid: UID,
    namespace: 'team-a',
    name: 'crm',
    generation: 1,
    deleting: false,
    hasFinalizer: true,
    annotatedId: undefined,
    createPendingSince: undefined,
    credentialPendingSince: undefined,
    integrationMissingSince: undefined,
    credentialMissingSince: undefined,
    deletionPolicy: 'Delete',
    status: {},
    ...over,
  };
}

function desired(over: Partial<DesiredIntegration> = {}): DesiredIntegration {
  return {
    baseName: 'CRM',
    notes: 'managed line',
    active: true,
    typeId: 'custom-rest-actions',
    credentialSlot: 'basicAuth',
    properties: { clientCertificateAuthority: 'Genesys Cloud' },
    credential: { typeName: 'basicAuth', fields: { userName: 'u' }, revision: 'rev-1' },
    maxInstances: 50,
    deprecation: undefined,
    ...over,
  };
}

function integration(over: Partial<ObservedIntegration> = {}, config: Partial<ObservedIntegration['config']> = {}): ObservedIntegration {
  return {
    id: 'int-1',
    typeId: 'custom-rest-actions',
    intendedState: 'ENABLED',
    reportedState: 'ACTIVE',
    reportedMessage: undefined,
    ownedCredentialGone: false,
    claimedBy: undefined,
    config: {
      name: 'CRM',
      notes: 'managed line',
      properties: { clientCertificateAuthority: 'Genesys Cloud' },
      credentialLinks: { basicAuth: 'cred-1' },
      ...config,
    },
    ...over,
  };
}

const READY_STATUS = {
  observedGeneration: 1,
  integrationId: 'int-1',
  credentialId: 'cred-1',
  credentialsRevision: 'rev-1',
  platformName: 'CRM',
  state: 'ACTIVE',
  conditions: [
    {
      type: 'Ready',
      status: 'True' as const,
      reason: 'Available',
      message: '',
      lastTransitionTime: '2026-11-24T09:00:00Z',
      observedGeneration: 1,
    },
  ],
};

function observe(over: Partial<Observation>): Observation {
  return {
    now: NOW,
    resource: resource(),
    desired: desired(),
    blocker: undefined,
    platform: { kind: 'skipped' },
    typeId: 'custom-rest-actions',
    ownCredentials: undefined,
    ...over,
  };
}

const types = (actions: readonly Action[]): string[] => actions.map((a) => a.type);
const isCredentialCreate = (a: Action): boolean => a.type === 'writeCredential' && a.credentialId === undefined;

interface Scenario {
  name: string;
  obs: Observation;
  actions: string[];
  ready: string;
  synced: string;
  events?: string[];
  requeueNow?: boolean;
}

const steady = observe({
  resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
  platform: { kind: 'found', integration: integration() },
});

const scenarios: Scenario[] = [
  {
    name: 'creates a new integration after recording that a create is pending',
    obs: observe({ resource: resource({ hasFinalizer: false }), platform: { kind: 'searched', markerMatch: undefined, used: 3 } }),
    actions: ['addFinalizer', 'markCreatePending', 'createIntegration'],
    ready: 'Creating',
    synced: 'ReconcileSuccess',
    requeueNow: true,
  },
  {
    name: 'takes the integration carrying its marker instead of creating a second one',
    obs: observe({ resource: resource({ createPendingSince: NOW - 1000 }), platform: { kind: 'searched', markerMatch: 'int-9', used: 4 } }),
    actions: ['recordIntegrationId'],
    ready: 'Creating',
    synced: 'ReconcileSuccess',
    requeueNow: true,
  },
  {
    name: 'waits, creating nothing, while a pending create may still appear in the list',
    obs: observe({
      resource: resource({ createPendingSince: NOW - 5000 }),
      platform: { kind: 'searched', markerMatch: undefined, used: 4 },
    }),
    actions: [],
    ready: 'Creating',
    synced: 'CreateIncomplete',
  },
  {
    name: 'creates again once a pending create has stayed invisible past the grace period',
    obs: observe({
      resource: resource({ createPendingSince: NOW - CREATE_GRACE_MS - 1 }),
      platform: { kind: 'searched', markerMatch: undefined, used: 4 },
    }),
    actions: ['markCreatePending', 'createIntegration'],
    ready: 'Creating',
    synced: 'ReconcileSuccess',
    requeueNow: true,
  },
  {
    name: 'refuses to create past the install limit',
    obs: observe({ desired: desired({ maxInstances: 10 }), platform: { kind: 'searched', markerMatch: undefined, used: 10 } }),
    // The Warning is the reconciler's, once per change of Synced (status.test.ts).
    actions: [],
    ready: 'QuotaExceeded',
    synced: 'QuotaExceeded',
  },
  {
    name: 'touches nothing on the platform while the Secret is missing',
    obs: observe({
      desired: undefined,
      blocker: { reason: 'SecretNotFound', message: 'Secret "crm-creds" not found', allowsDeletion: true },
    }),
    actions: [],
    ready: 'SecretNotFound',
    synced: 'SecretNotFound',
  },
  {
    name: 'waits for the organization without touching the platform',
    obs: observe({ desired: undefined, blocker: { reason: 'OrganizationNotReady', message: 'not ready', allowsDeletion: false } }),
    actions: [],
    ready: 'OrganizationNotReady',
    synced: 'OrganizationNotReady',
  },
  {
    name: 'configures a just-created integration: credential, name, notes, properties, then activates it',
    obs: observe({
      resource: resource({ annotatedId: 'int-1' }),
      platform: {
        kind: 'found',
        integration: integration(
          { intendedState: 'DISABLED', reportedState: 'INACTIVE' },
          { name: `CRM (creating ${UID})`, notes: '', properties: {}, credentialLinks: {} },
        ),
      },
    }),
    actions: ['markCredentialPending', 'writeCredential', 'configure', 'setState'],
    ready: 'Activating',
    synced: 'ReconcileSuccess',
    events: ['Normal Activating'],
  },
  {
    name: 'makes no writes at steady state',
    obs: steady,
    actions: [],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'reverts a rename made by hand on the platform and says so',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({}, { name: 'Renamed by hand' }) },
    }),
    actions: ['configure'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
    events: ['Normal DriftReverted'],
  },
  {
    name: 'reactivates an integration switched off by hand',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({ intendedState: 'DISABLED', reportedState: 'INACTIVE' }) },
    }),
    actions: ['setState'],
    ready: 'Activating',
    synced: 'ReconcileSuccess',
    events: ['Normal DriftReverted'],
  },
  {
    name: 'relinks its credential when the link was changed by hand',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({}, { credentialLinks: { basicAuth: 'someone-elses' } }) },
    }),
    actions: ['configure'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
    events: ['Normal DriftReverted'],
  },
  {
    name: 'writes a new credential, links it and deletes the old id once its credential stayed gone past the grace period',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, credentialMissingSince: NOW - NOT_FOUND_GRACE_MS - 1 }),
      platform: { kind: 'found', integration: integration({ ownedCredentialGone: true }) },
      ownCredentials: ['cred-1'],
    }),
    actions: ['markCredentialPending', 'writeCredential', 'configure', 'deleteCredential', 'markMissing'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
    events: ['Normal DriftReverted'],
  },
  {
    name: 'does not believe one 404 for its credential: marks when, keeps it, and looks again',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({ ownedCredentialGone: true }) },
      ownCredentials: [],
    }),
    actions: ['markMissing'],
    ready: 'Available',
    synced: 'PlatformError',
  },
  {
    name: 'keeps waiting while a 404 for its credential is younger than the grace period',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, credentialMissingSince: NOW - 5_000 }),
      platform: { kind: 'found', integration: integration({ ownedCredentialGone: true }) },
      ownCredentials: [],
    }),
    actions: [],
    ready: 'Available',
    synced: 'PlatformError',
  },
  {
    name: 'clears the 404 mark of its credential once it answers again',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, credentialMissingSince: NOW - 5_000 }),
      platform: { kind: 'found', integration: integration() },
      ownCredentials: ['cred-1'],
    }),
    actions: ['markMissing'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'takes a credential named after it whose create was never recorded instead of creating another',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', credentialPendingSince: NOW - 1_000 }),
      platform: { kind: 'found', integration: integration({}, { credentialLinks: {} }) },
      ownCredentials: ['cred-9'],
    }),
    actions: ['writeCredential', 'configure'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'waits, creating no credential, while a credential create may still appear in the listing',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', credentialPendingSince: NOW - 1_000 }),
      platform: { kind: 'found', integration: integration({}, { credentialLinks: {} }) },
      ownCredentials: [],
    }),
    actions: [],
    ready: 'Creating',
    synced: 'CreateIncomplete',
  },
  {
    name: 'writes and links a fresh credential of its own on adoption, never the one someone else linked',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', hasFinalizer: false }),
      platform: { kind: 'found', integration: integration({}, { credentialLinks: { basicAuth: 'theirs' } }) },
      ownCredentials: [],
    }),
    actions: ['addFinalizer', 'markCredentialPending', 'writeCredential', 'configure'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'refuses an integration whose notes say another live resource manages it',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', hasFinalizer: false }),
      platform: { kind: 'found', integration: integration({ claimedBy: 'team-b/crm' }) },
    }),
    actions: [],
    ready: 'InvalidSpec',
    synced: 'InvalidSpec',
  },
  {
    name: 'rewrites the credential when the Secret changed',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      desired: desired({ credential: { typeName: 'basicAuth', fields: { userName: 'v' }, revision: 'rev-2' } }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['writeCredential'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'deactivates when spec.active turns false',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', generation: 2, status: READY_STATUS }),
      desired: desired({ active: false }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['setState'],
    ready: 'Deactivating',
    synced: 'ReconcileSuccess',
    events: ['Normal Deactivating'],
  },
  {
    name: 'follows the platform until it reports the state asked for',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({ reportedState: 'ACTIVATING' }) },
    }),
    actions: [],
    ready: 'Activating',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'reports a platform error state with its detail',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration({ reportedState: 'ERROR', reportedMessage: 'bad credentials' }) },
    }),
    actions: [],
    ready: 'Error',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'chooses a new name when displayName changes',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', generation: 2, status: READY_STATUS }),
      desired: desired({ baseName: 'CRM EU' }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['configure'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'creates the integration again once it stayed gone past the grace period',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, integrationMissingSince: NOW - NOT_FOUND_GRACE_MS - 1 }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: undefined },
    }),
    actions: ['forgetIntegrationId'],
    ready: 'Creating',
    synced: 'ReconcileSuccess',
    events: ['Warning IntegrationMissing'],
    requeueNow: true,
  },
  {
    name: 'keeps a recorded id that answers 404 once: marks when, and looks again instead of creating',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: undefined },
    }),
    actions: ['markMissing'],
    ready: 'Available',
    synced: 'PlatformError',
  },
  {
    name: 'keeps waiting while a 404 for its recorded id is younger than the grace period',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, integrationMissingSince: NOW - 5_000 }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: undefined },
    }),
    actions: [],
    ready: 'Available',
    synced: 'PlatformError',
  },
  {
    name: 'believes the listing over a lasting 404 while the integration still carries its marker',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, integrationMissingSince: NOW - NOT_FOUND_GRACE_MS - 1 }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: 'int-1' },
    }),
    actions: [],
    ready: 'Available',
    synced: 'PlatformError',
  },
  {
    name: 'takes another integration carrying its marker once the recorded one stayed gone',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, integrationMissingSince: NOW - NOT_FOUND_GRACE_MS - 1 }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: 'int-2' },
    }),
    actions: ['recordIntegrationId'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
    requeueNow: true,
  },
  {
    name: 'clears the 404 mark once the recorded integration answers again',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS, integrationMissingSince: NOW - 5_000 }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['recordIntegrationId'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'records again an id that only the status kept (the annotation write was lost)',
    obs: observe({
      resource: resource({ annotatedId: undefined, createPendingSince: NOW - 1_000, status: READY_STATUS }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['recordIntegrationId'],
    ready: 'Available',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'reports an adopted id that does not exist as terminal IntegrationNotFound, adding no finalizer',
    obs: observe({
      resource: resource({ annotatedId: 'nope', hasFinalizer: false }),
      platform: { kind: 'missing', id: 'nope', markerMatch: undefined },
    }),
    actions: [],
    ready: 'IntegrationNotFound',
    synced: 'IntegrationNotFound',
  },
  {
    name: 'refuses to adopt an integration of another type',
    obs: observe({
      resource: resource({ annotatedId: 'int-1' }),
      platform: { kind: 'found', integration: integration({ typeId: 'salesforce-datadip' }) },
    }),
    actions: [],
    ready: 'InvalidSpec',
    synced: 'InvalidSpec',
  },
  {
    name: 'warns once per generation that the type is deprecated',
    obs: observe({
      desired: desired({ deprecation: 'Adobe is deprecated' }),
      platform: { kind: 'searched', markerMatch: undefined, used: 0 },
    }),
    actions: ['markCreatePending', 'createIntegration'],
    ready: 'Creating',
    synced: 'ReconcileSuccess',
    events: ['Warning Deprecated'],
    requeueNow: true,
  },
  {
    name: 'deletes the integration and its credential, then lets the resource go',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration() },
    }),
    actions: ['deleteIntegration', 'deleteCredential', 'removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Normal Deleted'],
  },
  {
    name: 'counts an integration already gone as deleted',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'missing', id: 'int-1', markerMatch: undefined },
    }),
    actions: ['deleteIntegration', 'deleteCredential', 'removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Normal Deleted'],
  },
  {
    name: 'leaves the integration on the platform with deletionPolicy Orphan',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', deletionPolicy: 'Orphan', status: READY_STATUS }),
      platform: { kind: 'skipped' },
    }),
    actions: ['removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Normal Orphaned'],
  },
  {
    name: 'orphans an integration of deletionPolicy Delete when its CRD is being deleted (uninstall)',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', deletionPolicy: 'Delete', status: READY_STATUS }),
      desired: undefined,
      platform: { kind: 'skipped' },
      kindBeingDeleted: true,
    }),
    actions: ['removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Warning OrphanedByCRDDeletion'],
  },
  {
    name: 'keeps the finalizer while the organization cannot be reached',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1' }),
      desired: undefined,
      blocker: { reason: 'OrganizationNotReady', message: 'x', allowsDeletion: false },
    }),
    actions: [],
    ready: 'Deleting',
    synced: 'OrganizationNotReady',
  },
  {
    name: 'deletes an integration created just before a crash, found by its marker',
    obs: observe({
      resource: resource({ deleting: true, createPendingSince: NOW - 1000 }),
      platform: { kind: 'searched', markerMatch: 'int-7', used: 1 },
    }),
    actions: ['deleteIntegration', 'removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Normal Deleted'],
  },
  {
    name: 'deletes the credentials named after it on deletion, recorded or not',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', status: READY_STATUS }),
      platform: { kind: 'found', integration: integration() },
      ownCredentials: ['cred-1', 'cred-7'],
    }),
    actions: ['deleteIntegration', 'deleteCredential', 'deleteCredential', 'removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Normal Deleted'],
  },
  {
    name: 'does not let go of a resource whose credential create may still appear',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: undefined, credentialPendingSince: NOW - 1_000 }),
      platform: { kind: 'searched', markerMatch: undefined, used: 0 },
      ownCredentials: [],
    }),
    actions: [],
    ready: 'Deleting',
    synced: 'CreateIncomplete',
  },
  {
    name: 'never deletes an adopted integration of another type, but lets the resource go',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', status: { integrationId: 'int-1' } }),
      platform: { kind: 'found', integration: integration({ typeId: 'salesforce-datadip' }) },
      ownCredentials: [],
    }),
    actions: ['removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Warning Orphaned'],
  },
  {
    name: 'never deletes an integration another live resource manages',
    obs: observe({
      resource: resource({ deleting: true, annotatedId: 'int-1', status: { integrationId: 'int-1' } }),
      platform: { kind: 'found', integration: integration({ claimedBy: 'team-b/crm' }) },
      ownCredentials: [],
    }),
    actions: ['removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
    events: ['Warning Orphaned'],
  },
  {
    name: 'adds no finalizer while the organization cannot be found',
    obs: observe({
      resource: resource({ hasFinalizer: false }),
      desired: undefined,
      blocker: { reason: 'OrganizationNotReady', message: 'GenesysCloudOrganization "prd" was not found', allowsDeletion: false },
    }),
    actions: [],
    ready: 'OrganizationNotReady',
    synced: 'OrganizationNotReady',
  },
  {
    name: 'adds no finalizer when the install limit refuses the create',
    obs: observe({
      resource: resource({ hasFinalizer: false }),
      desired: desired({ maxInstances: 10 }),
      platform: { kind: 'searched', markerMatch: undefined, used: 10 },
    }),
    actions: [],
    ready: 'QuotaExceeded',
    synced: 'QuotaExceeded',
  },
  {
    name: 'lets a resource go at once when nothing can exist on the platform, even without its organization',
    obs: observe({
      resource: resource({ deleting: true }),
      desired: undefined,
      blocker: { reason: 'OrganizationNotReady', message: 'not found', allowsDeletion: false },
    }),
    actions: ['removeFinalizer'],
    ready: 'Deleting',
    synced: 'ReconcileSuccess',
  },
  {
    name: 'does not let go of a resource whose create may still appear',
    obs: observe({
      resource: resource({ deleting: true, createPendingSince: NOW - 1000 }),
      platform: { kind: 'searched', markerMatch: undefined, used: 1 },
    }),
    actions: [],
    ready: 'Deleting',
    synced: 'CreateIncomplete',
  },
];

describe('decide', () => {
  it.each(scenarios)('$name', ({ obs, actions, ready, synced, events, requeueNow }) => {
    const decision = decide(obs);
    expect(types(decision.actions)).toEqual(actions);
    expect(decision.ready.reason).toBe(ready);
    expect(decision.synced.reason).toBe(synced);
    expect(decision.events.map((e) => `${e.type} ${e.reason}`)).toEqual(events ?? []);
    if (requeueNow === true) expect(decision.requeueAfterMs).toBe(0);
  });

  it('links every credential it creates in the same pass, so act never decides to link on its own', () => {
    const creating = scenarios.map((s) => decide(s.obs).actions).filter((a) => a.some(isCredentialCreate));
    expect(creating.length).toBeGreaterThan(2);
    for (const actions of creating) {
      const after = actions.slice(actions.findIndex(isCredentialCreate) + 1);
      expect(after).toContainEqual(
        expect.objectContaining({ type: 'configure', link: expect.objectContaining({ credentialId: undefined }) }),
      );
    }
  });

  it('keeps the name it set while displayName stays the same, even if a suffix was needed', () => {
    const status = { ...READY_STATUS, platformName: 'CRM 2' };
    const decision = decide(
      observe({
        resource: resource({ annotatedId: 'int-1', status }),
        platform: { kind: 'found', integration: integration({}, { name: 'CRM 2' }) },
      }),
    );
    expect(decision.actions).toEqual([]);
  });

  it('asks to keep a hand-renamed integration on the name it had', () => {
    const decision = decide(
      observe({
        resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
        platform: { kind: 'found', integration: integration({}, { name: 'x' }) },
      }),
    );
    expect(decision.actions[0]).toMatchObject({ type: 'configure', name: { base: 'CRM', prefer: 'CRM' } });
  });

  it('never puts credential values in events or conditions', () => {
    const secret = 'pa55-w0rd-that-must-not-leak';
    for (const s of scenarios) {
      const decision = decide({
        ...s.obs,
        desired: s.obs.desired && desired({ credential: { typeName: 'basicAuth', fields: { password: secret }, revision: 'r' } }),
      });
      const visible = JSON.stringify([decision.events, decision.ready, decision.synced, decision.status]);
      expect(visible).not.toContain(secret);
    }
  });

  it('creates the replacement of a credential deleted by hand rather than updating the gone one, and links it', () => {
    const decision = decide(
      observe({
        resource: resource({ annotatedId: 'int-1', status: READY_STATUS, credentialMissingSince: NOW - NOT_FOUND_GRACE_MS - 1 }),
        platform: { kind: 'found', integration: integration({ ownedCredentialGone: true }) },
        ownCredentials: [],
      }),
    );
    expect(decision.actions[1]).toMatchObject({ type: 'writeCredential', credentialId: undefined });
    expect(decision.actions[2]).toMatchObject({
      type: 'configure',
      link: { slot: 'basicAuth', credentialId: undefined },
      name: undefined,
      notes: undefined,
    });
    expect(decision.events[0]?.message).toBe('Reverted changes made on the platform to the credential');
  });

  it('on adoption creates its own credential rather than writing over the one someone else linked', () => {
    const decision = decide(
      observe({
        resource: resource({ annotatedId: 'int-1' }),
        platform: { kind: 'found', integration: integration({}, { credentialLinks: { basicAuth: 'theirs' } }) },
        ownCredentials: [],
      }),
    );
    const write = decision.actions.find((a) => a.type === 'writeCredential');
    expect(write).toMatchObject({ credentialId: undefined });
    expect(decision.actions.some((a) => a.type === 'deleteCredential')).toBe(false);
  });

  it('updates the credential found by its UID-bearing name rather than creating another', () => {
    const decision = decide(
      observe({
        resource: resource({ annotatedId: 'int-1' }),
        platform: { kind: 'found', integration: integration({}, { credentialLinks: {} }) },
        ownCredentials: ['cred-9'],
      }),
    );
    expect(decision.actions.find((a) => a.type === 'writeCredential')).toMatchObject({ credentialId: 'cred-9' });
  });

  it('reports Ready only when the platform state matches spec.active', () => {
    const inactive = decide(
      observe({
        resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
        desired: desired({ active: false }),
        platform: { kind: 'found', integration: integration({ intendedState: 'DISABLED', reportedState: 'INACTIVE' }) },
      }),
    );
    expect(inactive.ready).toMatchObject({ status: 'True', reason: 'Available' });
    expect(inactive.actions).toEqual([]);
  });
});

interface AfterActScenario {
  readonly name: string;
  readonly reason: string;
  readonly obs: Observation;
  /** The reported state in act's answer to the state change; undefined: no answer (nothing was changed). */
  readonly answered: string | undefined;
  readonly ready: string;
  /** undefined: look again at the resync. */
  readonly requeueAfterMs: number | undefined;
}

const justCreated = observe({
  resource: resource({ annotatedId: 'int-1' }),
  platform: {
    kind: 'found',
    integration: integration(
      { intendedState: 'DISABLED', reportedState: 'INACTIVE' },
      { name: `CRM (creating ${UID})`, notes: '', properties: {}, credentialLinks: {} },
    ),
  },
});
const switchedOffByHand = observe({
  resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
  platform: { kind: 'found', integration: integration({ intendedState: 'DISABLED', reportedState: 'INACTIVE' }) },
});

const afterActScenarios: AfterActScenario[] = [
  {
    name: 'a new integration whose activation answers ACTIVE is Ready in the same pass',
    reason: 'the answer to the state change proves the state, and every other write of the pass came before it',
    obs: justCreated,
    answered: 'ACTIVE',
    ready: 'Available',
    requeueAfterMs: undefined,
  },
  {
    name: 'an activation answered ACTIVATING is polled at the transition interval',
    reason: 'the platform is still moving, so only a later look can say it arrived',
    obs: justCreated,
    answered: 'ACTIVATING',
    ready: 'Activating',
    requeueAfterMs: TRANSITION_POLL_MS,
  },
  {
    name: 'a deactivation answered INACTIVE is Ready in the same pass',
    reason: 'Inactive is what spec.active false asks for, and the answer already shows it',
    obs: observe({
      resource: resource({ annotatedId: 'int-1', status: READY_STATUS }),
      desired: desired({ active: false }),
      platform: { kind: 'found', integration: integration() },
    }),
    answered: 'INACTIVE',
    ready: 'Available',
    requeueAfterMs: undefined,
  },
  {
    name: 'an activation answered with another state is polled',
    reason: 'an answer other than the state asked for proves nothing, so the next look decides',
    obs: justCreated,
    answered: 'INACTIVE',
    ready: 'Activating',
    requeueAfterMs: TRANSITION_POLL_MS,
  },
  {
    name: 'an integration switched off by hand and reactivated with the answer ACTIVE stays Ready',
    reason: 'the revert is proved done by its answer, so Ready does not flap to Activating and back',
    obs: switchedOffByHand,
    answered: 'ACTIVE',
    ready: 'Available',
    requeueAfterMs: undefined,
  },
  {
    name: 'a pass that changes no state keeps its decision',
    reason: 'with no state change there is no answer to believe, whatever act reports',
    obs: steady,
    answered: undefined,
    ready: 'Available',
    requeueAfterMs: undefined,
  },
];

describe('afterAct', () => {
  it.each(afterActScenarios)('$name: $reason', ({ obs, answered, ready, requeueAfterMs }) => {
    const decision = decide(obs);
    const settled = afterAct(decision, answered === undefined ? {} : { state: answered });
    expect(settled.ready.reason).toBe(ready);
    expect(settled.requeueAfterMs).toBe(requeueAfterMs);
    // Only Ready and the requeue can change after act: what was done and said stays as decided.
    expect({ ...settled, ready: decision.ready, requeueAfterMs: decision.requeueAfterMs }).toEqual(decision);
  });

  it('polls a state change at the transition interval until act has answered', () => {
    // decide alone cannot know the answer: the poll stands unless afterAct sees the state reached.
    expect(decide(justCreated)).toMatchObject({ requeueAfterMs: TRANSITION_POLL_MS, ready: { reason: 'Activating' } });
    expect(decide(switchedOffByHand)).toMatchObject({ requeueAfterMs: TRANSITION_POLL_MS, ready: { reason: 'Activating' } });
  });
});
