import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/schemas.js';
import { movieWebsiteTags as tags } from '../http/website-tags.js';
import type { Guards } from './authenticate.js';
import type { HashGate } from './hash-gate.js';
import type { DatabaseRegistrationLimit } from './login-limiter.js';
import { limitRegistrations } from './role-hooks.js';
import { sendTokens } from './routes.js';
import type { EmailRegistration } from './user-accounts.js';
import { EmailLoginBody, EmailRegistrationBody, SiteRefreshBody, TokenPair } from './schemas.js';
import type { AuthService } from './service.js';

export interface EmailAuthRoutesOptions {
  readonly service: AuthService;
  readonly registration: EmailRegistration;
  readonly guards: Guards;
  readonly registrations: DatabaseRegistrationLimit;
  readonly hashGate: HashGate;
}

// What the course's movie website calls beside the API's /auth/: same rules, data and tokens.
export const emailAuthRoutes: FastifyPluginAsync<EmailAuthRoutesOptions> = async (
  fastify,
  { service, registration, guards, registrations, hashGate },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/auth/register/', {
    preValidation: limitRegistrations(guards, registrations),
    schema: {
      tags,
      summary: 'Register with an email (it becomes the username too)',
      body: EmailRegistrationBody,
      response: { 201: registration.userSchema, ...errorResponses(400, 409, 413, 415, 429, 503) },
    },
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const user = await hashGate.run(request.ip, () => registration.register(email, password));
      return reply.status(201).header('location', `/users/${user.id}`).send(user);
    },
  });

  app.post('/auth/login/', {
    schema: {
      tags,
      summary: 'Log in with an email (as POST /auth/)',
      body: EmailLoginBody,
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415, 429, 503) },
    },
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const pair = await hashGate.run(request.ip, () =>
        service.loginByEmail(email, password, request.ip),
      );
      return sendTokens(reply, pair);
    },
  });

  app.put('/auth/login/', {
    schema: {
      tags,
      summary: 'Refresh the tokens (as PUT /auth/); an access_token sent along is ignored',
      body: SiteRefreshBody,
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request, reply) => {
      const pair = await service.refresh(request.body.refresh_token);
      return sendTokens(reply, pair);
    },
  });
};
