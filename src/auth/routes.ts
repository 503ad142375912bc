import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { HashGate } from './hash-gate.js';
import { LoginBody, RefreshBody, TokenPair } from './schemas.js';
import type { AuthService } from './service.js';

export interface AuthRoutesOptions {
  readonly service: AuthService;
  readonly hashGate: HashGate;
}

/** Tokens are never cached by a browser or proxy. */
export function sendTokens<R extends FastifyReply>(reply: R, pair: TokenPair): R {
  return reply.status(201).header('cache-control', 'no-store').send(pair) as R;
}

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (
  fastify,
  { service, hashGate },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];

  app.post('/auth/', {
    schema: {
      tags,
      summary: 'Log in: a new access and refresh token',
      body: LoginBody,
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415, 429, 503) },
    },
    handler: async (request, reply) => {
      const { username, password } = request.body;
      const pair = await hashGate.run(request.ip, () =>
        service.login(username, password, request.ip),
      );
      return sendTokens(reply, pair);
    },
  });

  app.put('/auth/', {
    schema: {
      tags,
      summary: 'Trade a refresh token for a new pair (rotation)',
      description:
        'Each refresh token works once. Replaying a used one within the grace period returns the same successor; later, it revokes the whole family.',
      body: RefreshBody,
      response: { 201: TokenPair, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request, reply) => {
      const pair = await service.refresh(request.body.refresh_token);
      return sendTokens(reply, pair);
    },
  });

  app.delete('/auth/', {
    schema: {
      tags,
      summary: 'Log out: revoke the refresh token and its family',
      body: RefreshBody,
      response: { 204: NoContent, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (request, reply) => {
      await service.logout(request.body.refresh_token);
      return reply.status(204).send(null);
    },
  });
};
