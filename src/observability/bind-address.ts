// Bind addresses in the controller-runtime form (`:8080`, `127.0.0.1:0`, `[::1]:8081`), shared by the flag
// parser (which rejects bad ones at start-up) and the health servers (which listen on them).

/** Where a server listens; `host` undefined means every interface, `port` 0 means any free port. */
export interface BindAddress {
  readonly host: string | undefined;
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6 = /^[0-9a-f:.]+$/i;

/** Returns the address, or undefined when the text is not `[host]:port`. */
export function parseBindAddress(text: string): BindAddress | undefined {
  const separator = text.lastIndexOf(':');
  if (separator < 0) return undefined;
  const hostText = text.slice(0, separator);
  const portText = text.slice(separator + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65_535) return undefined;
  if (hostText === '') return { host: undefined, port };
  if (hostText.startsWith('[') && hostText.endsWith(']')) {
    const ipv6 = hostText.slice(1, -1);
    return IPV6.test(ipv6) && ipv6.includes(':') ? { host: ipv6, port } : undefined;
  }
  return HOST_NAME.test(hostText) ? { host: hostText, port } : undefined;
}
