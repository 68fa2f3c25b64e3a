// The operator's version. package.json holds it, and only there: this reads it at start (it sits beside
// src/ and dist/ alike, and the image copies it), and test/unit/deploy/version.test.ts checks that the
// chart, the install's image tag and the CHANGELOG agree with it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

function readVersion(): string {
  const file = path.join(import.meta.dirname, '..', 'package.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error(`${file} has no version`);
  return parsed.version;
}

export const VERSION: string = readVersion();
