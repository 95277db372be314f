import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signing as the Standard Webhooks specification says (https://www.standardwebhooks.com): a
 * secret is `whsec_` and the base64 of 32 random bytes, which are the HMAC key; the signed content
 * is `<webhook-id>.<webhook-timestamp>.<body>`; `webhook-signature` is `v1,<base64 HMAC-SHA256>`,
 * one per secret, separated by spaces (two during a rotation).
 */

const SECRET_PREFIX = 'whsec_';

export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function key(secret: string): Buffer {
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** The id of the message carrying event `sequence` to webhook `webhookId`: the same on every retry. */
export function messageId(webhookId: string, sequence: number): string {
  return `msg_${sequence}_${webhookId.replace(/-/g, '')}`;
}

/** The three headers of a message, signed with each of `secrets`. */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  sentAt: Date,
  body: string,
): Record<string, string> {
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  const content = `${id}.${timestamp}.${body}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets
      .map((secret) => `v1,${createHmac('sha256', key(secret)).update(content).digest('base64')}`)
      .join(' '),
  };
}
