// GET /api/v2/organizations/me: the org the token belongs to.
import type { EmulatorContext } from './context.ts';
import { ok, type Route } from './router.ts';

export function organizationRoutes(context: EmulatorContext): Route[] {
  return [
    {
      method: 'GET',
      template: '/api/v2/organizations/me',
      authenticated: true,
      handler: () =>
        ok({
          id: context.organization.id,
          name: context.organization.name,
          defaultLanguage: 'en-us',
          thirdPartyOrgName: context.organization.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
          domain: 'emulator',
          version: 1,
          state: 'active',
          selfUri: `/api/v2/organizations/${context.organization.id}`,
        }),
    },
  ];
}
