import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port. The port is released before the caller binds it, so another
 * process could take it in between; envtest accepts the same race, and a clash shows up as an early exit
 * whose log names the port.
 */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No port was assigned'))));
    });
  });
}
