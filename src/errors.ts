export type ErrorCode =
  | 'validation_error'
  | 'bad_request'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal_error';

export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldErrors,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (errors: FieldErrors): AppError =>
  new AppError(400, 'validation_error', 'Validation failed', errors);

export const unauthorized = (message = 'Authentication required'): AppError =>
  new AppError(401, 'unauthorized', message);

export const forbidden = (message = 'You may not do this'): AppError =>
  new AppError(403, 'forbidden', message);

export const notFound = (what: string): AppError =>
  new AppError(404, 'not_found', `${what} not found`);

export const conflict = (message: string): AppError => new AppError(409, 'conflict', message);

// Whole seconds, at least one: what Retry-After may say.
const retryAfter = (seconds: number) => ({
  'retry-after': String(Math.max(1, Math.ceil(seconds))),
});

export const tooManyRequests = (message: string, retryAfterSeconds: number): AppError =>
  new AppError(429, 'too_many_requests', message, undefined, retryAfter(retryAfterSeconds));

export const serviceUnavailable = (
  message = 'Service temporarily unavailable',
  retryAfterSeconds?: number,
): AppError =>
  new AppError(
    503,
    'service_unavailable',
    message,
    undefined,
    retryAfterSeconds === undefined ? undefined : retryAfter(retryAfterSeconds),
  );
