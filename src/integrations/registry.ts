// The eight integration types, in a stable order (alphabetical by spec.type). Adding a type is one
// file beside this one and one line here.
import { adobe, UNCONFIRMED as ADOBE_UNCONFIRMED } from './adobe.ts';
import { awsLambda } from './aws-lambda.ts';
import { genesysCloud } from './genesys-cloud.ts';
import { google, UNCONFIRMED as GOOGLE_UNCONFIRMED } from './google.ts';
import type { IntegrationKind } from './kind.ts';
import { microsoftDynamics365 } from './microsoft-dynamics-365.ts';
import { salesforce } from './salesforce.ts';
import { webServices, UNCONFIRMED as WEB_SERVICES_UNCONFIRMED } from './web-services.ts';
import { zendesk } from './zendesk.ts';

export { CREDENTIALS_NOT_NEEDED } from './web-services.ts';

export const INTEGRATION_KINDS: readonly IntegrationKind[] = [
  adobe,
  awsLambda,
  genesysCloud,
  google,
  microsoftDynamics365,
  salesforce,
  webServices,
  zendesk,
];

function nonEmpty<T>(items: readonly T[]): readonly [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('The integration registry is empty');
  return [first, ...rest];
}

/**
 * Each type's UNCONFIRMED list: the platform facts its file guesses (slots, credential type and field
 * names, catalogue matching). A type that is absent has none.
 */
export const UNCONFIRMED_FACTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  [adobe.type]: ADOBE_UNCONFIRMED,
  [google.type]: GOOGLE_UNCONFIRMED,
  [webServices.type]: WEB_SERVICES_UNCONFIRMED,
};

/** The types as a person names them, in a sentence: "Adobe, AWS Lambda, ... or Zendesk". */
export const INTEGRATION_TITLES_IN_WORDS = ((titles: readonly string[]) => `${titles.slice(0, -1).join(', ')} or ${titles.at(-1) ?? ''}`)(
  INTEGRATION_KINDS.map((kind) => kind.title),
);

/** The `spec.type` values, for `z.enum`. */
export const INTEGRATION_TYPES: readonly [string, ...string[]] = nonEmpty(INTEGRATION_KINDS.map((kind) => kind.type));

export class UnknownIntegrationTypeError extends Error {
  override readonly name = 'UnknownIntegrationTypeError';
  readonly code = 'UnknownIntegrationType';
  readonly type: string;

  constructor(type: string) {
    super(`Unknown integration type ${JSON.stringify(type)}: expected one of ${INTEGRATION_TYPES.join(', ')}`);
    this.type = type;
  }
}

const BY_TYPE = new Map(INTEGRATION_KINDS.map((kind) => [kind.type, kind]));

/** The kind for a `spec.type`; throws UnknownIntegrationTypeError (code `UnknownIntegrationType`). */
export function kindOf(type: string): IntegrationKind {
  const kind = BY_TYPE.get(type);
  if (kind === undefined) throw new UnknownIntegrationTypeError(type);
  return kind;
}
