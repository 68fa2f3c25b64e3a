// credentialsRevision: lets the operator tell, without reading secrets back (the platform redacts
// them), whether the credential on the platform holds what the Secret holds now. It is an HMAC, never
// a plain hash: a plain hash of a short password in a status anyone can read is a dictionary attack
// away from the password. The key is derived from the organization's OAuth client secret (which the
// reader of a status does not have) and salted with the resource's UID.
import { createHmac, hkdfSync } from 'node:crypto';

export function credentialsRevision(
  key: { readonly orgSecret: string; readonly uid: string },
  credentialTypeName: string,
  fields: Readonly<Record<string, string>>,
): string {
  const derived = Buffer.from(hkdfSync('sha256', key.orgSecret, key.uid, 'dataactions.dev/credentials-revision', 32));
  const mac = createHmac('sha256', derived);
  mac.update(credentialTypeName);
  for (const name of Object.keys(fields).sort()) {
    // Length-prefix each part so that no two different field sets feed the same bytes.
    const value = fields[name] ?? '';
    mac.update(`\0${name.length}:${name}\0${Buffer.byteLength(value)}:`);
    mac.update(value);
  }
  return `hmac-sha256:${mac.digest('hex').slice(0, 40)}`;
}
