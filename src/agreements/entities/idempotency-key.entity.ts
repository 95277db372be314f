/** A write sent with an idempotency key: what it asked, and the agreement it answered. */
export class IdempotencyKeyEntity {
  actor: string;
  key: string;
  operation: string;

  /** SHA-256 of the request's input, to refuse the key's reuse for another request. */
  requestHash: string;

  /** The agreement as the first request returned it (JSON). */
  response: string;
  createdAt: Date;
}
