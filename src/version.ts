// The operator's version. package.json holds it, and only there: this reads it at start from the nearest
// package.json of this project above this file (the repository's for src/ and a build under .bench/, the
// image's /app/package.json for dist/), and test/unit/deploy/version.test.ts checks that the chart, the
// install's image tag, the Dockerfile label and the CHANGELOG agree with it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'dataaction-operator';

function readVersion(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === PACKAGE_NAME && typeof parsed.version === 'string') return parsed.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`No package.json of ${PACKAGE_NAME} above ${import.meta.dirname}`);
  }
}

export const VERSION: string = readVersion();
