// POST .../test and .../draft/test: a TestExecutionResult (SDK model) for the given input. The emulator's
// handlers answer synchronously, so it renders the request (URL and body templates, input references only)
// and reports it, without sending it: a template that refers to an input the contract lacks fails here.
import type { ActionFields } from './action-rules.ts';

interface Operation {
  step: number;
  name: string;
  success: boolean;
  result?: unknown;
  error?: { message: string; code: string; status: number };
}

const REFERENCE = /\$!?\{?input\.([A-Za-z0-9_]+)\}?/g;

function renderTemplate(template: string, input: Record<string, unknown>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(REFERENCE, (_whole, name: string) => {
    const value = input[name];
    if (value === undefined) {
      missing.push(name);
      return '';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return { text, missing };
}

export function renderTest(action: ActionFields, input: Record<string, unknown>): unknown {
  const request = (action.config.request ?? {}) as Record<string, unknown>;
  const operations: Operation[] = [];
  for (const [name, template] of [
    ['Resolve request URL template', request.requestUrlTemplate],
    ['Resolve request body template', request.requestTemplate],
  ] as const) {
    if (typeof template !== 'string') continue;
    const rendered = renderTemplate(template, input);
    const success = rendered.missing.length === 0;
    operations.push({
      step: operations.length + 1,
      name,
      success,
      ...(success
        ? { result: rendered.text }
        : { error: { message: `No input ${rendered.missing.join(', ')} for the template`, code: 'invalid.template', status: 400 } }),
    });
    if (!success) return { operations, error: operations.at(-1)?.error, success: false };
  }
  return { operations, finalResult: {}, success: true };
}
