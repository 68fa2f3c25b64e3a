import type { IntegrationType } from './schemas.ts';
import { DATA_ACTION_TYPE_HINT } from './unconfirmed.ts';

/**
 * Finds a data-action integration type whose id is not known in advance (Google, Adobe: see
 * unconfirmed.ts) by a fragment of its name. Among the types whose name holds the fragment, one that also
 * looks like a data action wins (installable ones first); a lone named type is taken as is. Undefined when
 * nothing matches or the choice is ambiguous: guessing wrong would install the wrong integration.
 */
export function findDataActionType(types: readonly IntegrationType[], nameFragment: string): IntegrationType | undefined {
  const fragment = nameFragment.toLowerCase();
  const named = types.filter((t) => t.name.toLowerCase().includes(fragment));
  const hinted = named.filter((t) =>
    [t.id, t.name, t.category ?? '', t.description ?? ''].some((text) => DATA_ACTION_TYPE_HINT.test(text)),
  );
  if (hinted.length > 0) return hinted.find((t) => t.nonInstallable !== true) ?? hinted[0];
  return named.length === 1 ? named[0] : undefined;
}
