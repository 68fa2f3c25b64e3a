// The version lives in package.json only (src/version.ts reads it). Everything else that must name it is
// checked here, so a release bumps one file and the tests list whatever it forgot.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { VERSION } from '../../../src/version.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

describe('the version, held by package.json', () => {
  it('is what the operator reports', () => {
    expect(VERSION).toBe((JSON.parse(read('package.json')) as { version: string }).version);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it('is the chart version and appVersion', () => {
    expect(parse(read('deploy/chart/Chart.yaml'))).toMatchObject({ version: VERSION, appVersion: VERSION });
  });

  it('is the image tag of deploy/ and deploy/install.yaml', () => {
    const kustomization = parse(read('deploy/kustomization.yaml')) as { images: { newTag: string }[] };
    expect(kustomization.images.map((i) => i.newTag)).toEqual([VERSION]);
    const images = parseAllDocuments(read('deploy/install.yaml'))
      .map((d) => d.toJS() as { kind: string; spec?: { template?: { spec?: { containers?: { image: string }[] } } } })
      .flatMap((m) => m.spec?.template?.spec?.containers ?? [])
      .map((c) => c.image);
    expect(images).toEqual([`ghcr.io/dataactions/dataaction-operator:${VERSION}`]);
  });

  it('is the default of the Dockerfile version label', () => {
    expect(read('Dockerfile')).toContain(`ARG VERSION=${VERSION}\n`);
  });

  it('has a CHANGELOG section', () => {
    expect(read('CHANGELOG.md')).toContain(`## [${VERSION}]`);
  });
});
