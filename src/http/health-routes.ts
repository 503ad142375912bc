import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { serviceUnavailable } from '../errors.js';
import { errorResponses } from './schemas.js';

export interface HealthRoutesOptions {
  /** Resolves when the database answers; rejects otherwise. */
  readonly pingDatabase: () => Promise<void>;
}

const Status = Type.Object({ status: Type.String() });

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (
  fastify,
  { pingDatabase },
) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/health', {
    schema: { tags: ['health'], summary: 'The process is alive', response: { 200: Status } },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/ready', {
    schema: {
      tags: ['health'],
      summary: 'The database answers (for load balancers)',
      response: { 200: Status, ...errorResponses(503) },
    },
    handler: async (request) => {
      try {
        await pingDatabase();
      } catch (error) {
        request.log.warn({ err: error }, 'database is not ready');
        throw serviceUnavailable();
      }
      return { status: 'ok' };
    },
  });
};
