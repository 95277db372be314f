import { Role } from './role.js';

/** Who is making a request: the name recorded as an event's `actor`, and the role it holds. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** The API token used, or null for ADMIN_TOKEN and the server itself. */
  readonly tokenId: string | null;
}

/** The actor of ADMIN_TOKEN requests. */
export const BOOTSTRAP_ADMIN: Principal = { name: 'ADMIN_TOKEN', role: Role.ADMIN, tokenId: null };
/** The actor of derived moves. */
export const SYSTEM_ACTOR = 'system';
/** The actor of the demo data. */
export const DEMO_SEED: Principal = { name: 'demo-seed', role: Role.ADMIN, tokenId: null };

/** The actor of `npm run import`. */
export const IMPORT_ACTOR: Principal = { name: 'import', role: Role.EDITOR, tokenId: null };

/** Names no API token may take, since events already use them for other actors. */
export const RESERVED_ACTOR_NAMES = [
  BOOTSTRAP_ADMIN.name,
  SYSTEM_ACTOR,
  DEMO_SEED.name,
  IMPORT_ACTOR.name,
];
