// Builds a CredentialPlan from a Secret schema and a mapping to the platform's credential fields:
// the shape nearly every type file needs.
import type { CredentialPlan, SecretData } from './kind.ts';
import type { SecretSchema, SecretShape, SecretValues } from './secret-schema.ts';

export interface PlanDefinition<S extends SecretShape> {
  readonly credentialTypeName: string;
  readonly secret: SecretSchema<S>;
  /** The platform `credentialFields` from valid values; a field left undefined is not sent. */
  fields(values: SecretValues<S>): Readonly<Record<string, string | undefined>>;
}

export function planCredential<S extends SecretShape>(def: PlanDefinition<S>): CredentialPlan {
  return {
    credentialTypeName: def.credentialTypeName,
    keys: def.secret.keys,
    secretValues: (secret) => def.secret.secretValues(secret),
    map(secret: SecretData) {
      const reading = def.secret.read(secret);
      if (!reading.ok) return reading;
      return { ok: true, fields: definedFields(def.fields(reading.values)) };
    },
  };
}

export function definedFields(fields: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
