// A function fits on a screen (STYLE.md; issue 10 asks for none in src over 80 lines). Every function,
// method, accessor, constructor and arrow function in src is measured from its first line to its closing one,
// nested functions included. Declarative tables are not logic: an object or array literal with no function
// inside counts as one line, so a long table of buckets or a schema does not make its function "long".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 80;

// Functions allowed over the limit, as `file:qualified name`. None today; an entry needs a reason beside it, and
// the last test below fails once an entry is stale.
const EXCEPTIONS = new Set<string>([]);

interface Measured {
  /** `file:qualified name`, e.g. `src/main.ts:run` or `src/x.ts:outer.inner`. */
  readonly id: string;
  readonly lines: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function isMeasured(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

/** The function's own name, or the name it is bound to (`const f = () => ...`, `{ f: () => ... }`). */
function nameOf(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name !== undefined) return node.name.getText(file);
  const parent = node.parent;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    parent.name !== undefined
  )
    return parent.name.getText(file);
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(file).slice(0, 40)})`;
  return '(anonymous)';
}

function lineOf(file: ts.SourceFile, position: number): number {
  return file.getLineAndCharacterOfPosition(position).line;
}

function containsFunction(node: ts.Node): boolean {
  return isMeasured(node) || ts.forEachChild(node, (child) => (containsFunction(child) ? true : undefined)) === true;
}

/** Lines a function spends on declarative tables beyond the first line of each: the outermost function-free literals. */
function tableLines(node: ts.Node, file: ts.SourceFile): number {
  if ((ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node)) && !containsFunction(node))
    return lineOf(file, node.getEnd()) - lineOf(file, node.getStart(file));
  let lines = 0;
  ts.forEachChild(node, (child) => {
    lines += tableLines(child, file);
  });
  return lines;
}

/** Every function in one source text, with its length in lines, tables counted as one line. */
function measure(path: string, text: string): Measured[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: Measured[] = [];
  const visit = (node: ts.Node, outer: string): void => {
    let qualified = outer;
    if (isMeasured(node)) {
      qualified = outer === '' ? nameOf(node, file) : `${outer}.${nameOf(node, file)}`;
      const span = lineOf(file, node.getEnd()) - lineOf(file, node.getStart(file)) + 1;
      found.push({ id: `${path}:${qualified}`, lines: span - tableLines(node.body!, file) });
    }
    ts.forEachChild(node, (child) => visit(child, qualified));
  };
  visit(file, '');
  return found;
}

let measuredSrc: Measured[] | undefined;
function measureSrc(): Measured[] {
  measuredSrc ??= sourceFiles('src').flatMap((path) => measure(path.split('\\').join('/'), readFileSync(path, 'utf8')));
  return measuredSrc;
}

/** Statements, one a line, for the tests of the measurement itself. */
function statements(count: number, indent: string): string[] {
  return [`${indent}let n = 0;`, ...Array.from({ length: count - 2 }, () => `${indent}n += 1;`), `${indent}return n;`];
}

describe('function length', () => {
  it(`no function in src is over ${MAX_LINES} lines, tables aside`, () => {
    const measured = measureSrc();
    expect(measured.length).toBeGreaterThan(200);
    const long = measured
      .filter(({ id, lines }) => lines > MAX_LINES && !EXCEPTIONS.has(id))
      .map(({ id, lines }) => `${id}:${lines} lines`);
    expect(long).toEqual([]);
    // Parsing every file of src takes a few seconds on a loaded machine, more than the default 5 s allows.
  }, 60_000);

  it('names a function over the limit by file, qualified name and length', () => {
    const text = [
      'function short(): number {',
      ...statements(8, '  '),
      '}',
      'export const outer = (): object => ({',
      '  inner(): number {',
      ...statements(MAX_LINES - 1, '    '),
      '  },',
      '});',
    ].join('\n');
    const long = measure('src/example.ts', text).filter(({ lines }) => lines > MAX_LINES);
    expect(long.map(({ id, lines }) => `${id}:${lines}`)).toEqual(['src/example.ts:outer:83', 'src/example.ts:outer.inner:81']);
  });

  it('counts a declarative table inside a function as one line, and a table holding functions in full', () => {
    const rows = Array.from({ length: 100 }, (_, i) => `    { name: 'row${i}', weight: ${i} },`);
    const table = ['export function table(): object[] {', '  return [', ...rows, '  ];', '}'].join('\n');
    expect(measure('src/table.ts', table)).toEqual([{ id: 'src/table.ts:table', lines: 3 }]);
    const handlers = rows.map((row) => row.replace('},', 'run: () => 1 },'));
    const logic = ['export function handlers(): object[] {', '  return [', ...handlers, '  ];', '}'].join('\n');
    expect(measure('src/logic.ts', logic)[0]).toEqual({ id: 'src/logic.ts:handlers', lines: 104 });
  });

  it('lists as exceptions only functions that are still over the limit', () => {
    // Once a listed function is split, its entry must go, so the list never hides a new long function.
    const stillLong = new Set(measureSrc().flatMap(({ id, lines }) => (lines > MAX_LINES ? [id] : [])));
    expect([...EXCEPTIONS].filter((id) => !stillLong.has(id))).toEqual([]);
  });
});
