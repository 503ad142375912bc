import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError, forbidden } from '../errors.js';
import type { Role } from '../shared/limits.js';
import { isAdmin } from './role-rules.js';
import { InvalidTokenError, type AccessClaims, type TokenService } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
}

const BEARER = /^Bearer(?:\s+(.*))?$/i;

function tokenError(bearerUsed: boolean, message: string): AppError {
  const challenge = bearerUsed ? 'Bearer error="invalid_token"' : 'Bearer';
  return new AppError(401, 'unauthorized', message, undefined, { 'www-authenticate': challenge });
}

// Made once: refusals are the cheapest answers we give, and errors are costly to construct.
const NO_TOKEN = tokenError(false, 'Authentication required');
const NOT_BEARER = tokenError(false, 'Authorization must use the Bearer scheme');
const EMPTY_TOKEN = tokenError(true, 'Bearer token is empty');
const BAD_TOKEN = tokenError(true, 'Invalid or expired access token');
const GONE_USER = tokenError(true, 'The user of this token no longer exists');

/**
 * The caller on a route whose guard admits only users (requireUser, requireAdmin,
 * requireSelfOrAdmin). Without such a guard it is our bug, not the client's: a plain Error, which
 * the error handler answers as a 500 without its message.
 */
export function currentUser(request: FastifyRequest): AccessClaims {
  if (request.auth === null) throw new Error('currentUser() on a route without a user guard');
  return request.auth;
}

/** The role a user holds now, or null when the user no longer exists. */
export type CurrentRoleOf = (userId: number) => Promise<Role | null>;

export interface Guards {
  /** Any signed-in user. */
  readonly requireUser: onRequestAsyncHookHandler;
  readonly requireAdmin: onRequestAsyncHookHandler;
  /** The user named by the :id parameter, or an admin. */
  readonly requireSelfOrAdmin: onRequestAsyncHookHandler;
  /** Signed in if a token is sent; anonymous otherwise. A bad token is still refused. */
  readonly optionalUser: onRequestAsyncHookHandler;
  /** Catalog reads: a user, or anyone when CATALOG_READ=public. */
  readonly catalogRead: onRequestAsyncHookHandler;
  /**
   * The caller's claims with the role they hold now: a token's admin role is only trusted after
   * the database confirms it (a deleted user -> 401, a demoted one is a user again).
   */
  readonly confirmRole: (request: FastifyRequest) => Promise<AccessClaims | null>;
}

export function createGuards(
  tokens: TokenService,
  catalogRead: 'authenticated' | 'public',
  currentRoleOf: CurrentRoleOf,
): Guards {
  function authenticate(request: FastifyRequest): AccessClaims {
    const header = request.headers.authorization;
    if (header === undefined) throw NO_TOKEN;
    const match = BEARER.exec(header);
    if (!match) throw NOT_BEARER;
    const token = (match[1] ?? '').trim();
    if (token === '') throw EMPTY_TOKEN;
    try {
      return tokens.verifyAccessToken(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw BAD_TOKEN;
      throw error;
    }
  }

  function tryAuthenticate(request: FastifyRequest): AccessClaims | null {
    try {
      return authenticate(request);
    } catch {
      return null;
    }
  }

  const requireUser: onRequestAsyncHookHandler = async (request) => {
    request.auth = authenticate(request);
  };

  // Requests whose role was read already: several hooks of one request ask, the database once.
  const confirmed = new WeakSet<FastifyRequest>();

  // Only tokens that claim admin cost a look-up; a user's token can only lose by it.
  async function confirmRole(request: FastifyRequest): Promise<AccessClaims | null> {
    const auth = request.auth;
    if (auth === null || !isAdmin(auth) || confirmed.has(request)) return auth;
    const role = await currentRoleOf(auth.userId);
    if (role === null) throw GONE_USER;
    confirmed.add(request);
    request.auth = role === auth.role ? auth : { ...auth, role };
    return request.auth;
  }

  return {
    requireUser,
    requireAdmin: async (request) => {
      request.auth = authenticate(request);
      if (!isAdmin(request.auth) || !isAdmin(await confirmRole(request))) {
        throw forbidden('Only an admin may do this');
      }
    },
    requireSelfOrAdmin: async (request) => {
      request.auth = authenticate(request);
      const { id } = request.params as { id?: string };
      if (id === String(request.auth.userId)) return;
      if (!isAdmin(request.auth) || !isAdmin(await confirmRole(request))) {
        throw forbidden('You may only see and change your own user');
      }
    },
    optionalUser: async (request) => {
      request.auth = request.headers.authorization === undefined ? null : authenticate(request);
    },
    catalogRead:
      catalogRead === 'public'
        ? async (request) => {
            request.auth = tryAuthenticate(request);
          }
        : requireUser,
    confirmRole,
  };
}
