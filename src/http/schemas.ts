import { MAX_CURSOR_LENGTH } from '../shared/keyset-cursor.js';
import { MAX_ID } from '../shared/limits.js';
import { Type, type TSchemaOptions, type Static, type TSchema, type TUnsafe } from 'typebox';

/** A string out of a fixed list, typed as such in the OpenAPI document. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: TSchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });
export const NullableId = Type.Union([Id, Type.Null()]);

export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;

export const PagingQuery = {
  page: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Page number, from 1' }),
  ),
  per_page: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: 'Rows per page (default 12)' }),
  ),
  after: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_CURSOR_LENGTH,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        'Opaque keyset cursor from a rel="next" Link: the page after that row, in the same order (not with page)',
    }),
  ),
};

const Prefer = Type.Optional(
  Type.String({
    description: 'count=exact: also count every matching row (X-Total-Count, rel="last")',
  }),
);

const IfNoneMatch = Type.Optional(
  Type.String({
    description:
      'ETags of answers the client holds (W/ prefixes are ignored), or *: 304 with no body when one is current',
  }),
);

/** The request headers a list reads: only Prefer, for the total count. */
export const ListRequestHeaders = Type.Object({ prefer: Prefer });

/** The request headers of a catalog read: If-None-Match, and Prefer on lists. */
export const CatalogItemRequestHeaders = Type.Object({ 'if-none-match': IfNoneMatch });
export const CatalogListRequestHeaders = Type.Object({
  prefer: Prefer,
  'if-none-match': IfNoneMatch,
});

/** The headers a list answer may carry, for the OpenAPI document. */
export const LIST_RESPONSE_HEADERS = {
  Link: {
    type: 'string',
    description:
      'RFC 8288 links: rel="next" (a cursor, while more rows exist), rel="first" and rel="prev" (on later pages), rel="last" (when counted)',
  },
  'X-Total-Count': {
    type: 'integer',
    description: 'All matching rows, ignoring paging; only with Prefer: count=exact',
  },
  'Preference-Applied': {
    type: 'string',
    description: 'count=exact when the total was counted',
  },
};

/** The headers of a catalog answer and of its 304, for the OpenAPI document. */
const CATALOG_READ_HEADERS = {
  ETag: {
    type: 'string',
    description:
      'Strong tag of this answer (its body, Link and X-Total-Count); send it in If-None-Match to revalidate',
  },
  'Cache-Control': {
    type: 'string',
    description:
      'no-cache: keep, but revalidate before each use; also private when reading needs a token',
  },
  Vary: { type: 'string', description: 'Authorization, when reading needs a token' },
};

/** A list answer's schema: the array of items, documented with the list headers. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Array(item, { headers: LIST_RESPONSE_HEADERS });

const NotModified = Type.Null({
  description: 'Not modified: If-None-Match named the current ETag (no body)',
  headers: CATALOG_READ_HEADERS,
});

/** The 200 and 304 of a catalog read of one item, documented with their headers. */
export const catalogItemResponses = <T extends TSchema>(item: T) => ({
  200: { ...item, headers: CATALOG_READ_HEADERS },
  304: NotModified,
});

/** The 200 and 304 of a catalog list, documented with their headers. */
export const catalogListResponses = <T extends TSchema>(item: T) => ({
  200: Type.Array(item, { headers: { ...LIST_RESPONSE_HEADERS, ...CATALOG_READ_HEADERS } }),
  304: NotModified,
});

export const PagingOnlyQuery = Type.Object(PagingQuery);
export type PagingOnlyQuery = Static<typeof PagingOnlyQuery>;

export const ErrorBody = Type.Object(
  {
    message: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Record(Type.String(), Type.String())),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'ErrorBody', title: 'Error' },
);

const ErrorRef = Type.Ref('ErrorBody');

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or bad token',
  403: 'Not allowed for this caller',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  429: 'Too many requests',
  503: 'Temporarily unavailable: the database, or password checks saturated (see Retry-After)',
};

export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, { ...ErrorRef, description: ERROR_DESCRIPTIONS[status] }]),
  );
}

export const NoContent = Type.Null({ description: 'No content' });

export const bearerSecurity = [{ bearerAuth: [] }];
