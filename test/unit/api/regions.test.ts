// The CRD's spec.region enum against the official SDK's region table (a copy in fixtures/, with its source),
// so a region Genesys adds does not go unnoticed: refresh the fixture and this test names what is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REGION_HOSTS } from '../../../src/platform/regions.ts';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'purecloud-region-hosts.json'), 'utf8')) as {
  regions: Record<string, string>;
};
/** The SDK's table with the tools' region names (`us_east_1` is `us-east-1`). */
const sdk = Object.fromEntries(Object.entries(fixture.regions).map(([name, host]) => [name.replaceAll('_', '-'), host]));

/** Regions the CRD knows that this SDK table does not, each with where it comes from. */
const BEYOND_THE_SDK: Record<string, string> = {
  // terraform-provider-genesyscloud's getRegionMap (src/platform/regions.ts cites it).
  'eusc-de-east-1': 'edee1.eusc-pure.cloud',
};

function crdRegions(): string[] {
  const crd = parse(readFileSync(join(import.meta.dirname, '../../../crds/dataactions.dev_genesyscloudorganizations.yaml'), 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { region: { enum: string[] } } } } } } }[] };
  };
  return crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.region.enum;
}

describe('spec.region of GenesysCloudOrganization', () => {
  it('offers every region of the official SDK', () => {
    expect(Object.keys(sdk).filter((region) => !crdRegions().includes(region))).toEqual([]);
  });

  it('maps each SDK region to the SDK host', () => {
    for (const [region, host] of Object.entries(sdk)) expect(REGION_HOSTS[region as keyof typeof REGION_HOSTS], region).toBe(host);
  });

  it('offers no region beyond the SDK table except those with a named source', () => {
    const extra = crdRegions().filter((region) => !(region in sdk));
    expect(Object.fromEntries(extra.map((region) => [region, REGION_HOSTS[region as keyof typeof REGION_HOSTS]]))).toEqual(BEYOND_THE_SDK);
  });
});
