import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, type Guards } from '../../auth/authenticate.js';
import type { HashGate } from '../../auth/hash-gate.js';
import type { AuthService } from '../../auth/service.js';
import { bearerSecurity, errorResponses, NoContent } from '../../http/schemas.js';
import { movieWebsiteTags as tags } from '../../http/website-tags.js';
import { PasswordChange, ProfilePatch, UserPublic } from './schemas.js';
import type { UserService } from './service.js';

export interface MeRoutesOptions {
  readonly service: UserService;
  /** Checks the old password on a change, counted like a login. */
  readonly auth: AuthService;
  readonly guards: Guards;
  readonly hashGate: HashGate;
}

// The movie website's "me" routes: the caller's own user, found by their token, not by an id.
export const meRoutes: FastifyPluginAsync<MeRoutesOptions> = async (
  fastify,
  { service, auth, guards, hashGate },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/user/', {
    onRequest: guards.requireUser,
    schema: {
      tags,
      security: bearerSecurity,
      summary: "The caller's own user and profile",
      response: { 200: UserPublic, ...errorResponses(401, 404) },
    },
    handler: (request) => service.get(currentUser(request).userId),
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
      await service.patch(currentUser(request).userId, request.body);
      return reply.status(204).send(null);
    },
  });

  app.put('/user/password/', {
    onRequest: guards.requireUser,
    schema: {
      tags,
      security: bearerSecurity,
      summary: "Change the caller's password; their refresh tokens are revoked",
      body: PasswordChange,
      response: { 204: NoContent, ...errorResponses(400, 401, 404, 413, 415, 429, 503) },
    },
    handler: async (request, reply) => {
      const { old_password: oldPassword, new_password: newPassword } = request.body;
      const { userId } = currentUser(request);
      await hashGate.run(request.ip, () =>
        service.changePassword(userId, newPassword, (user) =>
          auth.checkPasswordOf(user, oldPassword, request.ip),
        ),
      );
      return reply.status(204).send(null);
    },
  });
};
