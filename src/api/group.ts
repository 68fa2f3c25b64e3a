// The API group and version both kinds live in.
export const GROUP = 'dataactions.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const CATEGORY = 'dataactions';

/** Annotations and the finalizer the operator reads and writes. */
export const ANNOTATIONS = {
  /** Set by a user to adopt an existing integration; written by the operator after it creates one. */
  integrationId: `${GROUP}/integration-id`,
  /** Written (resourceVersion-guarded) just before a create call; its value is an RFC 3339 time. */
  createPending: `${GROUP}/create-pending`,
  /** Written (resourceVersion-guarded) just before a credential create call; an RFC 3339 time. */
  credentialCreatePending: `${GROUP}/credential-create-pending`,
  /** When the recorded integration first answered 404; believed only once it persists (an RFC 3339 time). */
  integrationMissingSince: `${GROUP}/integration-missing-since`,
  /** When the credential in status.credentialId first answered 404 (an RFC 3339 time). */
  credentialMissingSince: `${GROUP}/credential-missing-since`,
} as const;

export const FINALIZER = `${GROUP}/finalizer`;
