// What the emulated platform checks in a data action: the rules of the SDK's models (PostActionInput,
// ActionConfig, RequestConfig) and, for a draft's validation, a guess at what /draft/validation finds
// (docs/platform-facts.md §11, marked UNCONFIRMED there).
import { badRequest } from './errors.ts';

export const REQUEST_TYPES = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'];
/** PostActionInput: name and category up to 256 characters. */
const NAME_MAX = 256;

export interface ActionFields {
  name: string;
  category: string;
  secure: boolean;
  contract: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** One ErrorBody of a DraftValidationResult. */
export interface ValidationError {
  message: string;
  code: string;
  status: number;
}

export function requireName(value: unknown, field: 'name' | 'category'): string {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${field} is required`, field);
  if (value.length > NAME_MAX) throw badRequest(`${field} can be up to ${NAME_MAX} characters long`, field);
  return value;
}

export function objectOr(value: unknown, field: string, fallback: Record<string, unknown>): Record<string, unknown> {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be an object`, field);
  return value as Record<string, unknown>;
}

function get(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** What /draft/validation reports for a draft; empty when valid. */
export function validateAction(action: ActionFields): ValidationError[] {
  const errors: string[] = [];
  const input = get(action.contract, 'input', 'inputSchema');
  const output = get(action.contract, 'output', 'successSchema');
  if (get(input, 'type') !== 'object') errors.push('contract.input.inputSchema must be a JSON Schema of type object');
  const outputType = get(output, 'type');
  if (outputType !== 'object' && outputType !== 'array') errors.push('contract.output.successSchema must be of type object or array');
  if (outputType === 'array' && get(output, 'items') === undefined) errors.push('contract.output.successSchema of type array needs items');
  const requestType = get(action.config, 'request', 'requestType');
  if (requestType !== undefined && !(typeof requestType === 'string' && REQUEST_TYPES.includes(requestType))) {
    errors.push(`config.request.requestType must be one of ${REQUEST_TYPES.join(', ')}`);
  }
  const timeout = get(action.config, 'timeoutSeconds');
  if (timeout !== undefined && (typeof timeout !== 'number' || timeout < 1 || timeout > 60)) {
    errors.push('config.timeoutSeconds must be between 1 and 60');
  }
  const translationMap = get(action.config, 'response', 'translationMap');
  if (translationMap !== undefined && translationMap !== null && typeof translationMap === 'object') {
    for (const [key, path] of Object.entries(translationMap)) {
      if (typeof path !== 'string' || !path.startsWith('$')) errors.push(`config.response.translationMap.${key} is not a JSON path`);
    }
  }
  for (const [field, template] of [
    ['config.request.requestUrlTemplate', get(action.config, 'request', 'requestUrlTemplate')],
    ['config.request.requestTemplate', get(action.config, 'request', 'requestTemplate')],
    ['config.response.successTemplate', get(action.config, 'response', 'successTemplate')],
  ] as const) {
    if (typeof template === 'string') errors.push(...velocityProblems(field, template));
  }
  return errors.map((message) => ({ message, code: 'invalid.value', status: 400 }));
}

/** Velocity directives that open a block must be closed by #end, and ${ must be closed by }. */
function velocityProblems(field: string, template: string): string[] {
  const opened = (template.match(/#(if|foreach|macro|define)\s*\(/g) ?? []).length;
  const closed = (template.match(/#end\b/g) ?? []).length;
  const problems: string[] = [];
  if (opened !== closed) problems.push(`${field}: ${opened} block directive(s) but ${closed} #end`);
  if (/\$!?\{[^}]*$/.test(template)) problems.push(`${field}: a reference \${ is never closed`);
  return problems;
}
