import type { FastifyPluginAsync, preValidationAsyncHookHandler } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Guards } from '../../auth/authenticate.js';
import { AppError, forbidden } from '../../errors.js';
import { pageWindow, sendPage } from '../../http/paging.js';
import {
  bearerSecurity,
  errorResponses,
  IdParams,
  NoContent,
  PagingOnlyQuery,
} from '../../http/schemas.js';
import { UserCreate, UserPatch, UserPublic, UserReplace } from './schemas.js';
import { mayRequestRole, type UserService } from './service.js';

export interface UserRoutesOptions {
  readonly service: UserService;
  readonly guards: Guards;
  readonly registrationsPerMinute: number;
}

const requestedRole = (body: unknown): unknown =>
  typeof body === 'object' && body !== null ? (body as { role?: unknown }).role : undefined;

// Asking for a role one may not set is a 403 even when the rest of the body is invalid.
const refuseAdminRegistration: preValidationAsyncHookHandler = async (request) => {
  if (requestedRole(request.body) === 'admin' && !mayRequestRole(request.auth, 'admin', 'user')) {
    throw forbidden('Only an admin may create admins');
  }
};

const refuseRoleChange: preValidationAsyncHookHandler = async (request) => {
  const role = requestedRole(request.body);
  const actor = request.auth;
  if (role === undefined || actor === null) return;
  if (!mayRequestRole(actor, role, actor.role)) {
    throw forbidden('Only an admin may change a role');
  }
};

/** Per client address; every anonymous attempt counts, admins creating accounts are not limited. */
export function registrationLimit(perMinute: number): RateLimitOptions {
  return {
    max: perMinute,
    timeWindow: 60_000,
    allowList: (request) => request.auth?.role === 'admin',
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'too_many_requests', `Too many registrations; retry in ${context.after}`),
  };
}

export const userRoutes: FastifyPluginAsync<UserRoutesOptions> = async (
  fastify,
  { service, guards, registrationsPerMinute },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const security = bearerSecurity;
  const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415);

  app.post('/users/', {
    onRequest: guards.optionalUser,
    preValidation: refuseAdminRegistration,
    config: {
      rateLimit: registrationLimit(registrationsPerMinute),
    },
    schema: {
      tags,
      security: [{}, ...security],
      summary: 'Register (anyone) or create a user (admin)',
      description: 'Only an admin may create another admin.',
      body: UserCreate,
      response: { 201: UserPublic, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      const user = await service.create(request.body);
      return reply.status(201).header('location', `/users/${user.id}`).send(user);
    },
  });

  app.get('/users/', {
    onRequest: guards.requireAdmin,
    schema: {
      tags,
      security,
      summary: 'List users (admin)',
      querystring: PagingOnlyQuery,
      response: { 200: Type.Array(UserPublic), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) => {
      const window = pageWindow(request.query);
      return sendPage(request, reply, await service.list(window), window);
    },
  });

  app.get('/users/:id', {
    onRequest: guards.requireSelfOrAdmin,
    schema: {
      tags,
      security,
      summary: 'Get a user (self or admin)',
      params: IdParams,
      response: { 200: UserPublic, ...errorResponses(400, 401, 403, 404) },
    },
    handler: (request) => service.get(request.params.id),
  });

  app.put('/users/:id', {
    onRequest: guards.requireSelfOrAdmin,
    preValidation: refuseRoleChange,
    schema: {
      tags,
      security,
      summary: 'Replace a user (self or admin); password and role stay when left out',
      params: IdParams,
      body: UserReplace,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      await service.replace(request.params.id, request.body);
      return reply.status(204).send(null);
    },
  });

  app.patch('/users/:id', {
    onRequest: guards.requireSelfOrAdmin,
    preValidation: refuseRoleChange,
    schema: {
      tags,
      security,
      summary: 'Change a user (self or admin)',
      params: IdParams,
      body: UserPatch,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      await service.patch(request.params.id, request.body);
      return reply.status(204).send(null);
    },
  });

  app.delete('/users/:id', {
    onRequest: guards.requireSelfOrAdmin,
    schema: {
      tags,
      security,
      summary: 'Delete a user (self or admin); their refresh tokens go with them',
      params: IdParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      await service.remove(request.params.id);
      return reply.status(204).send(null);
    },
  });
};
