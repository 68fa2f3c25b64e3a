import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { SecretData } from '../../../src/integrations/index.ts';
import { FAKE_PEM, VALID_SECRETS as S, googleKeyFile } from './fixtures.ts';

const KEY = 'serviceAccountKey.json';
const map = (secret: SecretData): unknown => kindOf('Google').credentials({ credentialType: 'CloudPlatformServiceAccount' })?.map(secret);

// What a leak would look like: any value of the file, or the file itself.
const FILE_VALUES = ['pkid-file-3c7d', 'file-sa-5@proj-fake-2841', '118822334455667788990', 'ZmFrZS1rZXktZm9yLXRlc3Rz'];

describe('a Google Cloud Platform service account from its JSON key file', () => {
  it('takes the four credential fields from the file', () => {
    expect(map({ [KEY]: googleKeyFile() })).toEqual({
      ok: true,
      fields: {
        clientId: '118822334455667788990',
        clientEmail: 'file-sa-5@proj-fake-2841.iam.gserviceaccount.com',
        privateKeyId: 'pkid-file-3c7d',
        // The file's key ends in a newline; values are trimmed like the Secret's own.
        privateKey: FAKE_PEM,
      },
    });
  });

  it.each([
    [
      'is not JSON',
      '{"private_key": "-----BEGIN PRIVATE KEY-----\\nZmFrZS1rZXktZm9yLXRlc3Rz',
      'must hold a Google service account JSON key file (a JSON object)',
    ],
    ['is a JSON array', JSON.stringify(['118822334455667788990']), 'must hold a Google service account JSON key file (a JSON object)'],
    ['lacks private_key', googleKeyFile({ private_key: undefined }), 'field "private_key" is missing'],
    [
      'has a client_email that is no email',
      googleKeyFile({ client_email: 'file-sa-5@proj-fake-2841' }),
      'field "client_email" must be an email address',
    ],
    ['has a client_id that is a number', googleKeyFile({ client_id: 1188223344 }), 'field "client_id" must be a string'],
    [
      'has a private_key that is not PEM',
      googleKeyFile({ private_key: 'ZmFrZS1rZXktZm9yLXRlc3Rz' }),
      'field "private_key" must be a PEM private key ("-----BEGIN PRIVATE KEY-----" ... "-----END PRIVATE KEY-----")',
    ],
  ])('files an issue on the key when the file %s, without its content', (_what, file, problem) => {
    const result = map({ [KEY]: file });
    expect(result).toEqual({ ok: false, issues: [{ key: KEY, message: `key "${KEY}" ${problem}` }] });
    const returned = JSON.stringify(result);
    for (const value of [...FILE_VALUES, file]) expect(returned).not.toContain(value);
  });

  it('refuses the file beside the four keys rather than guess which one counts', () => {
    const result = map({ [KEY]: googleKeyFile(), clientId: S.GoogleCloudPlatform.clientId, privateKey: FAKE_PEM });
    expect(result).toEqual({
      ok: false,
      issues: [{ key: KEY, message: `key "${KEY}" cannot be combined with keys "clientId", "privateKey": use one or the other` }],
    });
  });

  it('does not read the file for a G Suite service account', () => {
    const result = kindOf('Google')
      .credentials({ credentialType: 'GSuiteServiceAccount' })
      ?.map({ [KEY]: googleKeyFile() });
    expect(result).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([{ key: 'serviceAccountEmail', message: 'key "serviceAccountEmail" is missing' }]),
    });
  });
});
