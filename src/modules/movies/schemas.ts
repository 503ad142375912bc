import { Type, type Static } from 'typebox';
import { Id, NullableId, PagingQuery, StringEnum } from '../../http/schemas.js';
import { MOVIE_LIMITS } from '../../shared/limits.js';

const Ref = Type.Object({ id: Id, name: Type.String() });

export const Movie = Type.Object(
  {
    id: Id,
    title: Type.String(),
    description: Type.String(),
    trailer: Type.String(),
    year: Type.Union([Type.Integer(), Type.Null()]),
    rating: Type.Union([Type.Number(), Type.Null()]),
    genre_id: Type.Union([Id, Type.Null()]),
    director_id: Type.Union([Id, Type.Null()]),
    genre: Type.Union([Ref, Type.Null()]),
    director: Type.Union([Ref, Type.Null()]),
  },
  { title: 'Movie' },
);
export type Movie = Static<typeof Movie>;

const { title, description, trailer, year, rating } = MOVIE_LIMITS;
const Year = () => Type.Integer({ minimum: year.min, maximum: year.max });

const fields = {
  title: Type.String({ minLength: title.min, maxLength: title.max }),
  description: Type.String({ maxLength: description.max }),
  trailer: Type.String({ maxLength: trailer.max, description: 'An http(s) URL, or empty' }),
  year: Type.Union([Year(), Type.Null()]),
  rating: Type.Union([Type.Number({ minimum: rating.min, maximum: rating.max }), Type.Null()]),
  genre_id: NullableId,
  director_id: NullableId,
};

// What GET returned may come back on PUT/PATCH: id must match, genre/director are ignored.
const readOnly = {
  id: Type.Optional(Id),
  genre: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
  director: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
};

const strict = { additionalProperties: false } as const;

export const MovieCreate = Type.Object(
  {
    title: fields.title,
    description: Type.Optional(fields.description),
    trailer: Type.Optional(fields.trailer),
    year: Type.Optional(fields.year),
    rating: Type.Optional(fields.rating),
    genre_id: Type.Optional(fields.genre_id),
    director_id: Type.Optional(fields.director_id),
  },
  strict,
);
export type MovieCreate = Static<typeof MovieCreate>;

export const MovieReplace = Type.Object({ ...MovieCreate.properties, ...readOnly }, strict);
export type MovieReplace = Static<typeof MovieReplace>;

export const MoviePatch = Type.Object(
  { ...readOnly, ...Type.Partial(MovieCreate).properties },
  strict,
);
export type MoviePatch = Static<typeof MoviePatch>;

export const SORT_KEYS = ['id', 'year', 'rating', 'title'] as const;

export const MovieListQuery = Type.Object({
  director_id: Type.Optional(Id),
  genre_id: Type.Optional(Id),
  year: Type.Optional(Year()),
  q: Type.Optional(
    Type.String({ maxLength: title.max, description: 'Case-insensitive part of the title' }),
  ),
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Words to find in the title, description, director or genre: each as a word, a prefix, or with one typo in words of 5 letters or more; best matches first unless sort or status is given',
    }),
  ),
  status: Type.Optional(Type.Literal('new', { description: 'Newest first' })),
  sort: Type.Optional(
    StringEnum(
      SORT_KEYS.flatMap((key) => [key, `-${key}` as const]),
      { description: 'id, year, rating or title; a leading - sorts descending' },
    ),
  ),
  ...PagingQuery,
});
export type MovieListQuery = Static<typeof MovieListQuery>;
