import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES } from '../config.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { AppError, serviceUnavailable, type ErrorCode } from '../errors.js';
import { timedOutSockets } from './client-errors.js';
import { validationErrorsOf, type SchemaIssue } from './validation-messages.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

// Fastify's own messages may quote parser or library text; clients get ours instead.
const MESSAGE_BY_FASTIFY_CODE: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: `Request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`,
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const context = error.validationContext ?? 'body';
    return new AppError(
      400,
      'validation_error',
      'Validation failed',
      validationErrorsOf(error.validation as SchemaIssue[], context),
    );
  }
  if (isDatabaseUnavailable(error)) return serviceUnavailable();
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message =
      MESSAGE_BY_FASTIFY_CODE[error.code] ??
      (error instanceof SyntaxError ? 'Request body is not valid JSON' : 'Bad request');
    return new AppError(status, CODE_BY_STATUS[status] ?? 'bad_request', message);
  }
  return new AppError(500, 'internal_error', 'Internal server error');
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  const body: Record<string, unknown> = { message: error.message, code: error.code };
  if (error.errors) body.errors = error.errors;
  body.request_id = String(reply.request.id);
  return reply.status(error.statusCode).send(body);
}

// The client closed the connection before its request was read: nothing to answer and no fault of
// ours. Its ECONNRESET must not pass for a lost database connection (a warning with a stack).
const clientHungUp = (error: FastifyError, request: FastifyRequest): boolean =>
  error.code === 'ECONNRESET' && request.raw.destroyed;

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (clientHungUp(error, request)) {
      request.log.info(
        { reqId: request.id, method: request.method, url: request.url },
        timedOutSockets.has(request.raw.socket)
          ? 'request deadline passed before the whole request arrived: answered 408'
          : 'client closed the connection before sending the whole request',
      );
      return sendError(reply, new AppError(400, 'bad_request', 'The request was not completed'));
    }
    const appError = toAppError(error);
    if (appError.statusCode === 503 && !(error instanceof AppError)) {
      request.log.warn({ reqId: request.id, err: error }, 'database unavailable');
    } else if (appError.statusCode >= 500) {
      request.log.error({ reqId: request.id, err: error }, 'request failed');
    } else {
      request.log.info(
        { reqId: request.id, status: appError.statusCode, code: appError.code },
        appError.message,
      );
    }
    return sendError(reply, appError);
  });
}
