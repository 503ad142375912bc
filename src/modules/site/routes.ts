import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Guards } from '../../auth/authenticate.js';
import { sendTokens } from '../../auth/routes.js';
import { Password, TokenPair } from '../../auth/schemas.js';
import type { AuthService } from '../../auth/service.js';
import { bearerSecurity, errorResponses, NoContent } from '../../http/schemas.js';
import type { HashGate } from '../../auth/hash-gate.js';
import type { DatabaseRegistrationLimit } from '../../auth/login-limiter.js';
import { limitRegistrations } from '../../auth/role-hooks.js';
import { ProfilePatch, RegistrationEmail, UserPublic } from '../users/schemas.js';
import type { UserService } from '../users/service.js';

export interface SiteRoutesOptions {
  readonly users: UserService;
  readonly auth: AuthService;
  readonly guards: Guards;
  readonly registrations: DatabaseRegistrationLimit;
  readonly hashGate: HashGate;
}

const strict = { additionalProperties: false } as const;
const tags = ['movie website'];

// The routes the course's movie website calls, beside the API's own; same rules, data and tokens.
export const siteRoutes: FastifyPluginAsync<SiteRoutesOptions> = async (
  fastify,
  { users, auth, guards, registrations, hashGate },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/auth/register/', {
    preValidation: limitRegistrations(guards, registrations),
    schema: {
      tags,
      summary: 'Register with an email (it becomes the username too)',
      body: Type.Object({ email: RegistrationEmail, password: Password }, strict),
      response: { 201: UserPublic, ...errorResponses(400, 409, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const user = await hashGate.run(request.ip, () =>
        users.create({ username: email, email, password, role: 'user' }),
      );
      return reply.status(201).header('location', `/users/${user.id}`).send(user);
    },
  });

  app.post('/auth/login/', {
    schema: {
      tags,
      summary: 'Log in with an email (as POST /auth/)',
      body: Type.Object(
        { email: Type.String({ maxLength: 1024 }), password: Type.String({ maxLength: 1024 }) },
        strict,
      ),
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const pair = await hashGate.run(request.ip, () =>
        auth.loginByEmail(email, password, request.ip),
      );
      return sendTokens(reply, pair);
    },
  });

  app.put('/auth/login/', {
    schema: {
      tags,
      summary: 'Refresh the tokens (as PUT /auth/); an access_token sent along is ignored',
      body: Type.Object(
        {
          refresh_token: Type.String({ maxLength: 4096 }),
          access_token: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
        },
        strict,
      ),
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request, reply) => {
      const pair = await auth.refresh(request.body.refresh_token);
      return sendTokens(reply, pair);
    },
  });

  app.get('/user/', {
    onRequest: guards.requireUser,
    schema: {
      tags,
      security: bearerSecurity,
      summary: "The caller's own user and profile",
      response: { 200: UserPublic, ...errorResponses(401, 404) },
    },
    handler: (request) => users.get(request.auth?.userId ?? 0),
  });

  app.patch('/user/', {
    onRequest: guards.requireUser,
    schema: {
      tags,
      security: bearerSecurity,
      summary: "Change the caller's profile (favourite_genre may be a string of digits)",
      body: ProfilePatch,
      response: { 204: NoContent, ...errorResponses(400, 401, 404, 413, 415) },
    },
    handler: async (request, reply) => {
      await users.patch(request.auth?.userId ?? 0, request.body);
      return reply.status(204).send(null);
    },
  });

  app.put('/user/password/', {
    onRequest: guards.requireUser,
    schema: {
      tags,
      security: bearerSecurity,
      summary: "Change the caller's password; their refresh tokens are revoked",
      body: Type.Object(
        { old_password: Type.String({ maxLength: 1024 }), new_password: Password },
        strict,
      ),
      response: { 204: NoContent, ...errorResponses(400, 401, 404, 413, 415) },
    },
    handler: async (request, reply) => {
      const { old_password: oldPassword, new_password: newPassword } = request.body;
      await hashGate.run(request.ip, () =>
        users.changePassword(request.auth?.userId ?? 0, newPassword, (user) =>
          auth.checkPasswordOf(user, oldPassword, request.ip),
        ),
      );
      return reply.status(204).send(null);
    },
  });
};
