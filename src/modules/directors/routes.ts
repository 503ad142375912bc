import type { FastifyPluginAsync } from 'fastify';
import { namedResourceRoutes, type NamedRoutesDeps } from '../named-resources/routes.js';
import { DIRECTORS } from './service.js';

export const directorRoutes: FastifyPluginAsync<NamedRoutesDeps> = (app, deps) =>
  namedResourceRoutes(app, { ...deps, resource: DIRECTORS.table, label: DIRECTORS.label });
