import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';

const webServices = kindOf('WebServices');

describe('Web services settings', () => {
  it.each([
    [undefined, 'basicAuth', 'Genesys Cloud'],
    [{}, 'basicAuth', 'Genesys Cloud'],
    [{ credentialType: 'UserDefined' }, 'userDefined', 'Genesys Cloud'],
    [{ credentialType: 'UserDefinedOAuth', clientCertificateAuthority: 'DigiCert' }, 'userDefinedOAuth', 'DigiCert'],
  ])('with settings %j uses credential type %s and CA %s', (settings, credentialTypeName, authority) => {
    expect(webServices.credentials(settings)?.credentialTypeName).toBe(credentialTypeName);
    expect(webServices.properties(settings)).toEqual({ clientCertificateAuthority: authority });
  });

  it('links every credential type at the basicAuth slot', () => {
    expect(webServices.credentialSlot).toBe('basicAuth');
  });

  it('rejects a credential type the platform does not have', () => {
    expect(() => webServices.credentials({ credentialType: 'Kerberos' })).toThrow();
  });

  it('says when no Secret is needed, as CEL on spec', () => {
    expect(webServices.secretOptionalWhen).toBe(
      "has(self.webServices) && has(self.webServices.credentialType) && self.webServices.credentialType == 'None'",
    );
  });

  it('makes the credential type immutable, an absent block counting as BasicAuth', () => {
    expect(webServices.settings?.rules).toEqual([
      {
        rule:
          "(has(self.webServices) && has(self.webServices.credentialType) ? self.webServices.credentialType : 'BasicAuth') == " +
          "(has(oldSelf.webServices) && has(oldSelf.webServices.credentialType) ? oldSelf.webServices.credentialType : 'BasicAuth')",
        message: 'spec.webServices.credentialType is immutable: changing it breaks published data actions',
        fieldPath: '.webServices.credentialType',
        reason: 'FieldValueInvalid',
      },
    ]);
  });
});
