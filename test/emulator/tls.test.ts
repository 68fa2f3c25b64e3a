import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator, type JsonBody } from './harness.ts';

const start = useEmulator();

function selfSignedCertificate(): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCertificate();

function post(url: string, ca: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: JsonBody }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Skipped only when openssl is not installed: the test needs it to make a throwaway certificate.
describe.skipIf(tls === undefined)('HTTPS', () => {
  it('serves login and API over TLS on one https origin', async () => {
    const emulator = await start({ tls: tls! });
    expect(emulator.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const granted = await post(
      `${emulator.baseUrl}/oauth/token`,
      tls!.cert,
      {
        Authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    );
    expect(granted.status).toBe(200);
    const created = await post(
      `${emulator.baseUrl}/api/v2/integrations`,
      tls!.cert,
      { Authorization: `Bearer ${granted.body.access_token}`, 'Content-Type': 'application/json' },
      JSON.stringify({ integrationType: { id: 'custom-rest-actions' } }),
    );
    expect(created).toMatchObject({ status: 200, body: { name: 'Web Services Data Actions' } });
  });

  it('is refused by a client that does not trust its certificate', async () => {
    const emulator = await start({ tls: tls! });
    await expect(fetch(`${emulator.baseUrl}/api/v2/organizations/me`)).rejects.toThrow();
  });
});
