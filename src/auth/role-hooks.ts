import type { preValidationAsyncHookHandler } from 'fastify';
import { forbidden, tooManyRequests } from '../errors.js';
import type { Guards } from './authenticate.js';
import type { DatabaseRegistrationLimit } from './login-limiter.js';
import { isAdmin, mayRequestRole } from './role-rules.js';

// These run before validation: asking for a role one may not set is a 403 even when the rest of
// the body is invalid. The caller's role is the one the database holds now, not the one their
// token remembers.

const requestedRole = (body: unknown): unknown =>
  typeof body === 'object' && body !== null ? (body as { role?: unknown }).role : undefined;

export function refuseAdminRegistration(guards: Guards): preValidationAsyncHookHandler {
  return async (request) => {
    if (requestedRole(request.body) !== 'admin') return;
    if (!mayRequestRole(await guards.confirmRole(request), 'admin', 'user')) {
      throw forbidden('Only an admin may create admins');
    }
  };
}

export function refuseRoleChange(guards: Guards): preValidationAsyncHookHandler {
  return async (request) => {
    const role = requestedRole(request.body);
    if (role === undefined || request.auth === null) return;
    const actor = await guards.confirmRole(request);
    if (actor === null || !mayRequestRole(actor, role, actor.role)) {
      throw forbidden('Only an admin may change a role');
    }
  };
}

/**
 * Every anonymous registration attempt counts, through any registration route, on every
 * instance; an admin (as the database says now) creating accounts is not limited.
 */
export function limitRegistrations(
  guards: Guards,
  registrations: DatabaseRegistrationLimit,
): preValidationAsyncHookHandler {
  return async (request) => {
    if (isAdmin(await guards.confirmRole(request))) return;
    const wait = await registrations.reserve(request.ip);
    if (wait !== null) throw tooManyRequests('Too many registrations; try again later', wait);
  };
}
