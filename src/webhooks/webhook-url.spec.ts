import { describe, expect, it } from '@jest/globals';
import { privateAddressKind, resolveAllowed, urlProblem } from './webhook-url.js';

describe('where a webhook may send', () => {
  it.each([
    ['8.8.8.8', null],
    ['93.184.215.14', null],
    ['2606:4700:4700::1111', null],
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fd00::1', 'a unique local (private) address'],
    ['0.0.0.0', 'the unspecified address'],
    ['::', 'the unspecified address'],
    ['255.255.255.255', 'the broadcast address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local address'],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::7f00:1', 'in the rfc6052 range'],
    ['2002:7f00:1::', 'in the 6to4 range'],
    ['2001::1', 'in the teredo range'],
    ['198.18.0.1', 'a reserved address'],
    ['192.0.2.1', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
  ])('%s: %s', (address, kind) => {
    expect(privateAddressKind(address)).toBe(kind);
  });

  it('judges only IP addresses', () => {
    expect(privateAddressKind('example.org')).toBe('not an IP address');
  });

  it.each([
    ['https://example.org/hooks', null],
    ['http://example.org:8080/a?b=c', null],
    ['ftp://example.org/', 'url must use http or https, not ftp'],
    ['file:///etc/passwd', 'url must use http or https, not file'],
    [
      'example.org/hooks',
      'url must be an absolute http:// or https:// URL, e.g. https://example.org/hooks/ratify',
    ],
    [
      'https://a:b@example.org/',
      'url must not carry a user name or password: receivers check the signature instead',
    ],
    ['https://example.org/#x', 'url must not have a fragment (#…): it is never sent'],
  ])('%s: %s', (url, problem) => {
    expect(urlProblem(url)).toBe(problem);
  });

  it('checks every address a name resolves to, unless private ones are allowed', async () => {
    await expect(resolveAllowed('localhost', false)).rejects.toMatchObject({
      code: 'EADDRNOTALLOWED',
      message: expect.stringMatching(
        /^localhost resolves to (127\.0\.0\.1|::1), a loopback address:/,
      ),
    });
    await expect(resolveAllowed('127.0.0.1', true)).resolves.toEqual(['127.0.0.1']);
    await expect(resolveAllowed('localhost', true)).resolves.toContainEqual(
      expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    );
  });
});
