// The reconcilers reach Kubernetes only through the narrow interfaces of src/reconcile/deps.ts (the writer
// of src/lib/resource-writer.ts, the caches, Events, Secret reads): src/reconcile imports nothing from
// src/kube, so its tests run on fakes, without a cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports (static or dynamic), resolved from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'([^']+)'/gm)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? normalize(join(dirname(file), s)) : s));
}

describe('layers', () => {
  it('src/reconcile imports nothing from src/kube', () => {
    const files = sourceFiles('src/reconcile');
    expect(files.length).toBeGreaterThan(10);
    const reaching = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('src/kube/') || target === 'src/kube')
        .map((target) => `${file} imports ${target}`),
    );
    expect(reaching).toEqual([]);
  });

  it('sees an import of src/kube when there is one', () => {
    // The check above would pass vacuously if importsOf missed imports: operator.ts does import src/kube.
    expect(importsOf('src/operator.ts')).toContain('src/kube/resource-writer.ts');
  });
});
