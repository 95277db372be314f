import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may send (README, "Webhooks", and SECURITY.md): an http(s) URL without
 * credentials, whose host resolves only to public unicast addresses, checked when the webhook is
 * saved and again when each connection is made, on the address connected to (so a name that
 * changes its address after the check, DNS rebinding, cannot lead a delivery inside).
 * WEBHOOK_ALLOW_PRIVATE=true lets private, loopback and link-local addresses through.
 */

export const MAX_URL_LENGTH = 2000;

/** What is wrong with `raw` as a webhook URL, before any DNS lookup; null when nothing. */
export function urlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) {
    return `url must be at most ${MAX_URL_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http:// or https:// URL, e.g. https://example.org/hooks/ratify';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `url must use http or https, not ${url.protocol.slice(0, -1)}`;
  }
  if (!url.hostname) {
    return 'url must name a host';
  }
  if (url.username || url.password) {
    return 'url must not carry a user name or password: receivers check the signature instead';
  }
  if (url.hash) {
    return 'url must not have a fragment (#…): it is never sent';
  }
  return null;
}

/** The host of a URL as DNS and `isIP` take it (`[::1]` → `::1`). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * What kind of address `address` is when it may not be reached without WEBHOOK_ALLOW_PRIVATE
 * (e.g. "a loopback address"), or null for a public unicast address. An IPv4 address written as
 * IPv6 (`::ffff:127.0.0.1`) is judged as IPv4; addresses that tunnel to another (6to4, Teredo,
 * NAT64) are refused, since the address they lead to is not the one checked.
 */
export function privateAddressKind(address: string): string | null {
  if (!ipaddr.isValid(address)) {
    return 'not an IP address';
  }
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : (RANGE_NAMES[range] ?? `in the ${range} range`);
}

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a unique local (private) address',
  reserved: 'a reserved address',
};

/** The first of `addresses` that may not be reached, as an error naming it; null when none. */
function refusal(host: string, addresses: readonly string[], allowPrivate: boolean): Error | null {
  if (allowPrivate) {
    return null;
  }
  for (const address of addresses) {
    const kind = privateAddressKind(address);
    if (kind) {
      const what =
        host === address ? `${host} is ${kind}` : `${host} resolves to ${address}, ${kind}`;
      return Object.assign(
        new Error(
          `${what}: webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones)`,
        ),
        { code: 'EADDRNOTALLOWED' },
      );
    }
  }
  return null;
}

/** Every address `host` resolves to, refused (rejects) if one may not be reached. */
export async function resolveAllowed(host: string, allowPrivate: boolean): Promise<string[]> {
  const addresses = isIP(host)
    ? [host]
    : (
        await new Promise<LookupAddress[]>((resolve, reject) =>
          lookup(host, { all: true, verbatim: true }, (error, found) =>
            error ? reject(error) : resolve(found),
          ),
        )
      ).map(({ address }) => address);
  const refused = refusal(host, addresses, allowPrivate);
  if (refused) {
    throw refused;
  }
  return addresses;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request and net.connect that refuses, as a connection error, a host
 * resolving to an address that may not be reached: the check is made on the very addresses the
 * connection then uses.
 */
export function checkedLookup(allowPrivate: boolean) {
  return (host: string, options: LookupOptions, callback: LookupCallback): void => {
    lookup(host, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      const refused = refusal(
        host,
        addresses.map(({ address }) => address),
        allowPrivate,
      );
      if (refused) {
        callback(refused, []);
        return;
      }
      if (options.all) {
        callback(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };
}
