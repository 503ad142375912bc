import type { FastifyPluginAsync } from 'fastify';
import { namedResourceRoutes, type NamedRoutesDeps } from '../named-resources/routes.js';
import { GENRES } from './service.js';

export const genreRoutes: FastifyPluginAsync<NamedRoutesDeps> = (app, deps) =>
  namedResourceRoutes(app, { ...deps, resource: GENRES.table, label: GENRES.label });
