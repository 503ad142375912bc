import type { Role } from '../shared/limits.js';

type Actor = { readonly role: Role } | null | undefined;

/**
 * The one rule of who may give which role. Callers pass the role the database holds now
 * (Guards.confirmRole) wherever a token's admin claim would otherwise be trusted.
 */
export const isAdmin = (actor: Actor): boolean => actor?.role === 'admin';

/** Only admins hand out roles; anyone else may at most restate the role they have. */
export function mayRequestRole(actor: Actor, requested: unknown, current: Role): boolean {
  return isAdmin(actor) || requested === current;
}
