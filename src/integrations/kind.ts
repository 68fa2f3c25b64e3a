// The seam between the generic operator and the eight integration types. Every type-specific fact
// lives in one small declarative file under src/integrations/ that calls `defineKind`; nothing
// else in the project branches on a type (zod's way: each type declares its own answer).
import type { z } from 'zod';

/** A Secret's data, decoded from base64. */
export type SecretData = Readonly<Record<string, string>>;

/** What is wrong with one Secret key. `message` names the key and NEVER contains its value. */
export interface CredentialIssue {
  readonly key: string;
  readonly message: string;
}

export type CredentialMapping =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly issues: readonly CredentialIssue[] };

/** How one type (with its settings) turns a Secret into a platform credential. */
export interface CredentialPlan {
  /** The platform credential `type.name`, e.g. `basicAuth`. */
  readonly credentialTypeName: string;
  /** Secret keys read, for documentation and messages. */
  readonly keys: { readonly required: readonly string[]; readonly optional: readonly string[] };
  /** Validates the Secret and maps it to the platform's `credentialFields`; sends nothing anywhere. */
  map(secret: SecretData): CredentialMapping;
  /** The Secret's values that are secrets (by the type's declaration), for the log scrubber. */
  secretValues(secret: SecretData): readonly string[];
}

/** A CEL rule on `spec` (self = spec; transition rules may use oldSelf). */
export interface CelRule {
  readonly rule: string;
  /** Must name the field, e.g. `spec.webServices.credentialType is immutable`. */
  readonly message: string;
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** An optional per-type settings object, a sibling of the common spec fields (e.g. `spec.webServices`). */
export interface SettingsBlock<S> {
  /** The spec field name. */
  readonly key: string;
  /** A zod object (defaults allowed, no refinements: it becomes the CRD schema). */
  readonly schema: z.ZodType<S>;
  /** CEL rules on spec this type adds (only evaluated usefully when spec.type is this type). */
  readonly rules?: readonly CelRule[];
}

/** What a type file declares. */
export interface KindDefinition<S> {
  /** The `spec.type` value, e.g. `WebServices`. */
  readonly type: string;
  /** A person's name for it, e.g. `Web services`. */
  readonly title: string;
  /** The platform integrationType id when it is CONFIRMED; otherwise left out and discovered. */
  readonly platformTypeId?: string;
  /** Matches the type's entry in the platform catalogue (`GET /api/v2/integrations/types`) by id or name. */
  readonly catalogueMatch: (entry: { readonly id: string; readonly name?: string | undefined }) => boolean;
  /** The admin guide's install limit per organization; the platform's `maxInstances` wins when reported. */
  readonly installLimit: number;
  /** Set when Genesys has deprecated the type: the text of a Warning Event. */
  readonly deprecation?: string;
  /** The key under `config.current.credentials` the credential is linked at. */
  readonly credentialSlot: string;
  readonly settings?: SettingsBlock<S>;
  /** CEL (self = spec) true when this type, so configured, needs no Secret. Default: always needs one. */
  readonly secretOptionalWhen?: string;
  /** The credential this type needs with these settings; undefined when it needs none. */
  credentials(settings: S | undefined): CredentialPlan | undefined;
  /** The `config.current.properties` the operator owns for this type (merged over the platform's). */
  properties?(settings: S | undefined): Readonly<Record<string, unknown>>;
}

/** A type as the rest of the project sees it: settings arrive unparsed, straight from the spec. */
export interface IntegrationKind {
  readonly type: string;
  readonly title: string;
  readonly platformTypeId: string | undefined;
  readonly catalogueMatch: KindDefinition<unknown>['catalogueMatch'];
  readonly installLimit: number;
  readonly deprecation: string | undefined;
  readonly credentialSlot: string;
  readonly settings: SettingsBlock<unknown> | undefined;
  readonly secretOptionalWhen: string | undefined;
  credentials(rawSettings: unknown): CredentialPlan | undefined;
  properties(rawSettings: unknown): Readonly<Record<string, unknown>>;
}

export function defineKind<S>(def: KindDefinition<S>): IntegrationKind {
  // Settings come from a validated CR, but parse again here so defaults apply even when the
  // API server did not default them (an old object, or an object built in a test).
  // A type with a settings block always gets parsed settings (an absent block means all defaults).
  const parseSettings = (raw: unknown): S | undefined => (def.settings === undefined ? undefined : def.settings.schema.parse(raw ?? {}));
  return {
    type: def.type,
    title: def.title,
    platformTypeId: def.platformTypeId,
    catalogueMatch: def.catalogueMatch,
    installLimit: def.installLimit,
    deprecation: def.deprecation,
    credentialSlot: def.credentialSlot,
    settings: def.settings,
    secretOptionalWhen: def.secretOptionalWhen,
    credentials: (raw) => def.credentials(parseSettings(raw)),
    properties: (raw) => def.properties?.(parseSettings(raw)) ?? {},
  };
}
