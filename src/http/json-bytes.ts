import type { FastifyReply } from 'fastify';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Sends JSON the database already wrote as UTF-8 bytes. Fastify runs no serializer on a Buffer;
 * the route's response schema still documents the answer.
 */
export function sendJsonBytes(reply: FastifyReply, json: Buffer): FastifyReply {
  return reply.header('content-type', JSON_CONTENT_TYPE).send(json);
}
