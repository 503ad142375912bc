import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Guards } from '../../auth/authenticate.js';
import { listOptionsOf, sendPage } from '../../http/paging.js';
import { pageWindow } from '../../shared/paging.js';
import {
  bearerSecurity,
  errorResponses,
  CatalogItemRequestHeaders,
  CatalogListRequestHeaders,
  catalogItemResponses,
  catalogListResponses,
  Id,
  IdParams,
  NoContent,
  PagingOnlyQuery,
} from '../../http/schemas.js';
import { Name, namedObjectOf, type NamedResource, type NamedTable } from './schemas.js';
import type { NamedResourceService } from './service.js';

/** What app.ts hands the routes of genres and of directors. */
export interface NamedRoutesDeps {
  readonly service: NamedResourceService;
  readonly guards: Guards;
}

export interface NamedResourceRoutesOptions extends NamedRoutesDeps {
  readonly resource: NamedTable;
  readonly label: string;
}

const namedResourceRoutes: FastifyPluginAsync<NamedResourceRoutesOptions> = async (
  fastify,
  { resource, label, service, guards },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const NamedObject = namedObjectOf({ table: resource, label });
  const tags = [resource];
  const security = bearerSecurity;
  const readErrors = errorResponses(400, 401);
  const writeErrors = errorResponses(400, 401, 403, 404, 413, 415);
  const cachedRead = {
    onRequest: guards.catalogRead,
    config: { catalogReads: service.answerReads },
  };

  app.get(`/${resource}/`, {
    ...cachedRead,
    schema: {
      tags,
      security,
      summary: `List ${resource}`,
      querystring: PagingOnlyQuery,
      headers: CatalogListRequestHeaders,
      response: { ...catalogListResponses(NamedObject), ...readErrors },
    },
    handler: async (request, reply) => {
      const window = pageWindow(request.query);
      return sendPage(request, reply, await service.list(window, listOptionsOf(request)), window);
    },
  });

  app.get(`/${resource}/:id`, {
    ...cachedRead,
    schema: {
      tags,
      security,
      summary: `Get one ${label.toLowerCase()}`,
      params: IdParams,
      headers: CatalogItemRequestHeaders,
      response: { ...catalogItemResponses(NamedObject), ...readErrors, ...errorResponses(404) },
    },
    handler: (request) => service.get(request.params.id),
  });

  app.post(`/${resource}/`, {
    onRequest: guards.requireAdmin,
    schema: {
      tags,
      security,
      summary: `Create a ${label.toLowerCase()}`,
      body: Type.Object({ name: Name }, { additionalProperties: false }),
      response: { 201: NamedObject, ...writeErrors, ...errorResponses(409) },
    },
    handler: async (request, reply) => {
      const created = await service.create(request.body.name);
      return reply.status(201).header('location', `/${resource}/${created.id}`).send(created);
    },
  });

  // PUT and PATCH are one route but for the summary and whether the name may be left out.
  const changes = [
    { method: 'PUT', summary: `Replace a ${label.toLowerCase()}`, name: Name },
    { method: 'PATCH', summary: `Change a ${label.toLowerCase()}`, name: Type.Optional(Name) },
  ] as const;
  for (const { method, summary, name } of changes) {
    app.route({
      method,
      url: `/${resource}/:id`,
      onRequest: guards.requireAdmin,
      schema: {
        tags,
        security,
        summary,
        params: IdParams,
        body: Type.Object({ id: Type.Optional(Id), name }, { additionalProperties: false }),
        response: { 204: NoContent, ...writeErrors, ...errorResponses(409) },
      },
      handler: async (request, reply) => {
        await service.update(request.params.id, request.body);
        return reply.status(204).send(null);
      },
    });
  }

  app.delete(`/${resource}/:id`, {
    onRequest: guards.requireAdmin,
    schema: {
      tags,
      security,
      summary: `Delete a ${label.toLowerCase()} no movie uses`,
      params: IdParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) => {
      await service.remove(request.params.id);
      return reply.status(204).send(null);
    },
  });
};

/** The routes of one resource (genres, directors), as app.ts registers them. */
export const namedResourceRoutesOf =
  ({ table, label }: NamedResource): FastifyPluginAsync<NamedRoutesDeps> =>
  (app, deps) =>
    namedResourceRoutes(app, { ...deps, resource: table, label });
