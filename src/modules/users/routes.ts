import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Guards } from '../../auth/authenticate.js';
import type { HashGate } from '../../auth/hash-gate.js';
import type { DatabaseRegistrationLimit } from '../../auth/login-limiter.js';
import {
  limitRegistrations,
  refuseAdminRegistration,
  refuseRoleChange,
} from '../../auth/role-hooks.js';
import { listOptionsOf, sendPage } from '../../http/paging.js';
import { pageWindow } from '../../shared/paging.js';
import {
  bearerSecurity,
  errorResponses,
  IdParams,
  ListOf,
  ListRequestHeaders,
  NoContent,
  PagingOnlyQuery,
} from '../../http/schemas.js';
import { UserCreate, UserPatch, UserPublic, UserReplace } from './schemas.js';
import type { UserService } from './service.js';

export interface UserRoutesOptions {
  readonly service: UserService;
  readonly guards: Guards;
  readonly registrations: DatabaseRegistrationLimit;
  readonly hashGate: HashGate;
}

export const userRoutes: FastifyPluginAsync<UserRoutesOptions> = async (
  fastify,
  { service, guards, registrations, hashGate },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['users'];
  const security = bearerSecurity;
  const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503);
  // Only a change that hashes a new password waits its turn at the hash gate.
  const writeUser = (ip: string, password: string | undefined, write: () => Promise<void>) =>
    password === undefined ? write() : hashGate.run(ip, write);

  app.post('/users/', {
    onRequest: guards.optionalUser,
    preValidation: [refuseAdminRegistration(guards), limitRegistrations(guards, registrations)],
    schema: {
      tags,
      security: [{}, ...security],
      summary: 'Register (anyone) or create a user (admin)',
      description: 'Only an admin may create another admin.',
      body: UserCreate,
      response: { 201: UserPublic, ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503) },
    },
    handler: async (request, reply) => {
      const user = await hashGate.run(request.ip, () => service.create(request.body));
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
      headers: ListRequestHeaders,
      response: { 200: ListOf(UserPublic), ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) => {
      const window = pageWindow(request.query);
      return sendPage(request, reply, await service.list(window, listOptionsOf(request)), window);
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
    preValidation: refuseRoleChange(guards),
    schema: {
      tags,
      security,
      summary: 'Replace a user (self or admin); password and role stay when left out',
      params: IdParams,
      body: UserReplace,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      await writeUser(request.ip, request.body.password, () =>
        service.replace(request.params.id, request.body),
      );
      return reply.status(204).send(null);
    },
  });

  app.patch('/users/:id', {
    onRequest: guards.requireSelfOrAdmin,
    preValidation: refuseRoleChange(guards),
    schema: {
      tags,
      security,
      summary: 'Change a user (self or admin)',
      params: IdParams,
      body: UserPatch,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      await writeUser(request.ip, request.body.password, () =>
        service.patch(request.params.id, request.body),
      );
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
