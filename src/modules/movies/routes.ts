import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Guards } from '../../auth/authenticate.js';
import type { CatalogWrites } from '../../http/catalog-cache/hooks.js';
import { sendJsonBytes } from '../../http/json-bytes.js';
import { listOptionsOf, setPageHeaders } from '../../http/paging.js';
import { pageWindow } from '../../shared/paging.js';
import {
  bearerSecurity,
  CatalogItemRequestHeaders,
  CatalogListRequestHeaders,
  catalogItemResponses,
  catalogListResponses,
  errorResponses,
  IdParams,
  NoContent,
} from '../../http/schemas.js';
import { movieListParamsOf } from './list-request.js';
import { Movie, MovieCreate, MovieListQuery, MoviePatch, MovieReplace } from './schemas.js';
import type { MovieService } from './service.js';

export interface MovieRoutesOptions {
  readonly service: MovieService;
  readonly guards: Guards;
  readonly writes: CatalogWrites;
}

export const movieRoutes: FastifyPluginAsync<MovieRoutesOptions> = async (
  fastify,
  { service, guards, writes },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['movies'], security: bearerSecurity };
  const writeErrors = errorResponses(400, 401, 403, 404, 413, 415);
  const cachedRead = {
    onRequest: guards.catalogRead,
    config: { catalogReads: service.answerReads },
  };

  app.get('/movies/', {
    ...cachedRead,
    schema: {
      ...common,
      summary: 'List movies',
      description:
        'Filters combine with AND. Without page/per_page at most 1000 rows are returned; a Link header with rel="next" (an after= cursor) says when more exist. With Prefer: count=exact, X-Total-Count counts every matching row.',
      querystring: MovieListQuery,
      headers: CatalogListRequestHeaders,
      response: { ...catalogListResponses(Movie), ...errorResponses(400, 401) },
    },
    handler: async (request, reply) => {
      const window = pageWindow(request.query);
      const { filters, order, byRelevance } = movieListParamsOf(request.query);
      const page = await service.list(filters, order, window, listOptionsOf(request), byRelevance);
      request.catalogMovieScope = page.scope;
      setPageHeaders(request, reply, page, window);
      return sendJsonBytes(reply, page.json);
    },
  });

  app.get('/movies/:id', {
    ...cachedRead,
    schema: {
      ...common,
      summary: 'Get one movie',
      params: IdParams,
      headers: CatalogItemRequestHeaders,
      response: { ...catalogItemResponses(Movie), ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const movie = await service.get(request.params.id);
      request.catalogMovieScope = { ids: [request.params.id], columns: [] };
      return sendJsonBytes(reply, movie);
    },
  });

  app.post('/movies/', {
    onRequest: guards.requireAdmin,
    schema: {
      ...common,
      summary: 'Create a movie',
      body: MovieCreate,
      response: { 201: Movie, ...writeErrors },
    },
    handler: async (request, reply) => {
      const movie = await service.create(request.body);
      return reply.status(201).header('location', `/movies/${movie.id}`).send(movie);
    },
  });

  app.put('/movies/:id', {
    onRequest: guards.requireAdmin,
    schema: {
      ...common,
      summary: 'Replace a movie (fields left out get their defaults)',
      params: IdParams,
      body: MovieReplace,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      writes.movieWritten(await service.replace(request.params.id, request.body));
      return reply.status(204).send(null);
    },
  });

  app.patch('/movies/:id', {
    onRequest: guards.requireAdmin,
    schema: {
      ...common,
      summary: 'Change some fields of a movie',
      params: IdParams,
      body: MoviePatch,
      response: { 204: NoContent, ...writeErrors },
    },
    handler: async (request, reply) => {
      writes.movieWritten(await service.patch(request.params.id, request.body));
      return reply.status(204).send(null);
    },
  });

  app.delete('/movies/:id', {
    onRequest: guards.requireAdmin,
    schema: {
      ...common,
      summary: 'Delete a movie',
      params: IdParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      await service.remove(request.params.id);
      return reply.status(204).send(null);
    },
  });
};
