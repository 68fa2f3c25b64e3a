// Which per-type settings block (the spec field a type declares) reproduces what an integration has on the
// platform. Generic: it tries every combination of the settings block's enum fields, defaults first, and
// keeps the first whose credential type and owned properties match the platform's. No type is named here.
import { z } from 'zod';
import type { IntegrationKind } from '../integrations/index.ts';

/** What the platform shows of one integration, as far as settings go. */
export interface PlatformSettingsView {
  readonly properties: Readonly<Record<string, unknown>>;
  /** The type name of the credential linked at the kind's slot; undefined when nothing is linked. */
  readonly credentialTypeName: string | undefined;
}

/** Every value an enum field (with or without a default) takes, the default first. */
function enumValues(field: unknown): string[] | undefined {
  if (field instanceof z.ZodDefault) {
    const inner = enumValues(field.unwrap());
    const fallback = field.def.defaultValue;
    return inner === undefined ? undefined : [...inner].sort((a, b) => Number(b === fallback) - Number(a === fallback));
  }
  return field instanceof z.ZodEnum ? (field.options as string[]) : undefined;
}

/** All combinations of the block's enum fields, the all-defaults one first. */
function candidates(kind: IntegrationKind): Record<string, string>[] {
  const schema = kind.settings?.schema;
  if (!(schema instanceof z.ZodObject)) return [{}];
  let combos: Record<string, string>[] = [{}];
  for (const [key, field] of Object.entries(schema.shape)) {
    const values = enumValues(field);
    if (values === undefined) continue;
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos;
}

function propertiesMatch(owned: Readonly<Record<string, unknown>>, platform: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(owned).every(([key, value]) => JSON.stringify(platform[key]) === JSON.stringify(value));
}

/**
 * The settings block to write in the spec, or undefined when the type has none or the defaults fit (then
 * the spec stays short). When nothing fits exactly, the combination matching the credential type wins, else
 * the defaults: the operator will then set the owned properties, which `export` reports in a comment.
 */
export function inferSettings(
  kind: IntegrationKind,
  view: PlatformSettingsView,
): { readonly settings: Record<string, string> | undefined; readonly exact: boolean } {
  const all = candidates(kind);
  const credentialFits = (combo: Record<string, string>): boolean => {
    const plan = kind.credentials(combo);
    // Nothing linked fits a combination that needs no credential, and also any other (the Secret will supply one).
    return view.credentialTypeName === undefined || plan?.credentialTypeName === view.credentialTypeName;
  };
  const exact = all.find((combo) => credentialFits(combo) && propertiesMatch(kind.properties(combo), view.properties));
  const chosen = exact ?? all.find(credentialFits) ?? all[0] ?? {};
  const isDefault = chosen === all[0];
  return { settings: kind.settings === undefined || isDefault ? undefined : chosen, exact: exact !== undefined };
}
