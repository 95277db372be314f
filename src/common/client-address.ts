import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * The client's address of a request, behind the proxies TRUST_PROXY trusts, as Express's `req.ip`
 * would say: for what does not pass through Express (all of GraphQL, over HTTP and WebSocket).
 */
export function clientAddressResolver(
  trustProxy: boolean | number | string,
): (request: IncomingMessage) => string {
  const trust =
    typeof trustProxy === 'boolean'
      ? () => trustProxy
      : typeof trustProxy === 'number'
        ? (_address: string, hop: number) => hop < trustProxy
        : proxyaddr.compile(trustProxy.split(/\s*,\s*/));
  return (request) => proxyaddr(request, trust);
}
