/** Roles of docs/design.md §2 Access, weakest first: a role may do everything the ones before it may. */
export enum Role {
  EDITOR = 'EDITOR',
  ADMIN = 'ADMIN',
}

const RANK: Record<Role, number> = { [Role.EDITOR]: 1, [Role.ADMIN]: 2 };

export function roleAllows(held: Role, required: Role): boolean {
  return RANK[held] >= RANK[required];
}

/** Metadata key of @Authorize: the role an operation needs. */
export const REQUIRED_ROLE = 'ratify:requiredRole';
