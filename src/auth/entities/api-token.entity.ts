import type { Role } from '../role.js';

/** A named API token. Only the SHA-256 of the secret is stored; the secret is shown once. */
export class ApiTokenEntity {
  id: string;
  name: string;
  role: Role;
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
