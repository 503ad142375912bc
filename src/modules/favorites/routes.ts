import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, type Guards } from '../../auth/authenticate.js';
import { bearerSecurity, errorResponses, IdParams, NoContent } from '../../http/schemas.js';
import { movieWebsiteTags } from '../../http/website-tags.js';
import { Movie } from '../movies/schemas.js';
import type { FavoriteService } from './service.js';

export interface FavoriteRoutesOptions {
  readonly service: FavoriteService;
  readonly guards: Guards;
}

export const favoriteRoutes: FastifyPluginAsync<FavoriteRoutesOptions> = async (
  fastify,
  { service, guards },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: movieWebsiteTags, security: bearerSecurity };

  app.get('/favorites/movies/', {
    onRequest: guards.requireUser,
    schema: {
      ...common,
      summary: "The caller's favourite movies, most recently added first",
      response: { 200: Type.Array(Movie), ...errorResponses(401) },
    },
    handler: (request) => service.list(currentUser(request).userId),
  });

  // The website sends these with no body and no content type.
  app.post('/favorites/movies/:id/', {
    onRequest: guards.requireUser,
    schema: {
      ...common,
      summary: 'Add a movie to the favourites (adding it twice is fine)',
      params: IdParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      await service.add(currentUser(request).userId, request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.delete('/favorites/movies/:id/', {
    onRequest: guards.requireUser,
    schema: {
      ...common,
      summary: 'Remove a movie from the favourites (removing one that is not there is fine)',
      params: IdParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      await service.remove(currentUser(request).userId, request.params.id);
      return reply.status(204).send(null);
    },
  });
};
