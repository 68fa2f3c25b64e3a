// Genesys Cloud regions as the Genesys tools name them, mapped to their hosts.
// Source: platform-client-sdk-javascript PureCloudRegionHosts.js; terraform-provider-genesyscloud getRegionMap.
export const REGION_HOSTS = {
  'us-east-1': 'mypurecloud.com',
  'us-east-2': 'use2.us-gov-pure.cloud',
  'us-west-2': 'usw2.pure.cloud',
  'ca-central-1': 'cac1.pure.cloud',
  'sa-east-1': 'sae1.pure.cloud',
  'mx-central-1': 'mxc1.pure.cloud',
  'eu-west-1': 'mypurecloud.ie',
  'eu-west-2': 'euw2.pure.cloud',
  'eu-central-1': 'mypurecloud.de',
  'eu-central-2': 'euc2.pure.cloud',
  'eusc-de-east-1': 'edee1.eusc-pure.cloud',
  'me-central-1': 'mec1.pure.cloud',
  'ap-south-1': 'aps1.pure.cloud',
  'ap-southeast-1': 'apse1.pure.cloud',
  'ap-southeast-2': 'mypurecloud.com.au',
  'ap-northeast-1': 'mypurecloud.jp',
  'ap-northeast-2': 'apne2.pure.cloud',
  'ap-northeast-3': 'apne3.pure.cloud',
} as const satisfies Record<string, string>;

export type Region = keyof typeof REGION_HOSTS;

export const REGIONS = Object.keys(REGION_HOSTS) as [Region, ...Region[]];

/** Where one organization's API and login live. */
export interface PlatformEndpoints {
  readonly apiBaseUrl: string;
  readonly loginBaseUrl: string;
}

export function endpointsForRegion(region: Region): PlatformEndpoints {
  const host = REGION_HOSTS[region];
  return { apiBaseUrl: `https://api.${host}`, loginBaseUrl: `https://login.${host}` };
}
