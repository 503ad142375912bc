import type { MovieRow } from '../db/schema.js';
import { usernameProblem } from '../modules/users/service.js';
import { isHttpUrl } from '../shared/http-url.js';
import {
  MOVIE_LIMITS,
  NAME_LENGTH,
  isRole,
  isValidId,
  lengthProblem,
  codePointLength,
  type Role,
} from '../shared/limits.js';
import { unstorableTextProblem } from '../shared/storable-text.js';
import { textKeyOf } from '../shared/text-key.js';
import type { FlaskData } from './flask-source.js';

export interface ImportRows {
  genres: { id: number; name: string }[];
  directors: { id: number; name: string }[];
  movies: Omit<MovieRow, 'title_key'>[];
  users: { id: number; username: string; legacyDigest: string; role: Role }[];
}

export interface Validated {
  readonly rows: ImportRows;
  /** One line per row that breaks the contract: "movie 21: year must be …". */
  readonly problems: string[];
}

function textProblem(value: unknown, field: string, min: number, max: number): string | null {
  if (typeof value !== 'string') return `${field} must be text`;
  const unstorable = unstorableTextProblem(value);
  if (unstorable) return `${field} ${unstorable}`;
  const lengthIssue = lengthProblem(value, { min, max });
  return lengthIssue ? `${field} ${lengthIssue}` : null;
}

function namedRows(
  kind: string,
  source: { id: unknown; name: unknown }[],
  problems: string[],
  unique: boolean,
) {
  const rows: { id: number; name: string }[] = [];
  const seen = new Map<string, number>();
  for (const row of source) {
    const issues: string[] = [];
    if (!isValidId(row.id)) issues.push('id must be a positive integer');
    const nameIssue = textProblem(row.name, 'name', NAME_LENGTH.min, NAME_LENGTH.max);
    if (nameIssue) issues.push(nameIssue);
    const key = typeof row.name === 'string' ? textKeyOf(row.name) : '';
    if (unique && !nameIssue && seen.has(key))
      issues.push(`name repeats ${kind} ${seen.get(key)} (ignoring case)`);
    if (issues.length > 0) {
      problems.push(`${kind} ${String(row.id)}: ${issues.join('; ')}`);
      continue;
    }
    seen.set(key, row.id as number);
    rows.push({ id: row.id as number, name: row.name as string });
  }
  return rows;
}

function digestProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value))
    return 'password is not a base64 hash';
  return Buffer.from(value, 'base64').length === 32
    ? null
    : 'password is not a 32-byte PBKDF2-SHA256 hash';
}

/** Checks every row against the contract; rows that break it are listed, never silently dropped. */
export function validateFlaskData(data: FlaskData): Validated {
  const problems: string[] = [];
  const genres = namedRows('genre', data.genres, problems, true);
  const directors = namedRows('director', data.directors, problems, false);
  const genreIds = new Set(genres.map((g) => g.id));
  const directorIds = new Set(directors.map((d) => d.id));

  const movies: ImportRows['movies'] = [];
  for (const movie of data.movies) {
    const issues: string[] = [];
    if (!isValidId(movie.id)) issues.push('id must be a positive integer');
    const titleIssue = textProblem(
      movie.title,
      'title',
      MOVIE_LIMITS.title.min,
      MOVIE_LIMITS.title.max,
    );
    if (titleIssue) issues.push(titleIssue);
    const description = movie.description ?? '';
    const descriptionIssue = textProblem(
      description,
      'description',
      0,
      MOVIE_LIMITS.description.max,
    );
    if (descriptionIssue) issues.push(descriptionIssue);
    const trailer = movie.trailer ?? '';
    if (
      typeof trailer !== 'string' ||
      (trailer !== '' &&
        (!isHttpUrl(trailer) || codePointLength(trailer) > MOVIE_LIMITS.trailer.max))
    ) {
      issues.push('trailer must be an http(s) URL or empty');
    }
    const year = movie.year ?? null;
    const years = MOVIE_LIMITS.year;
    if (
      year !== null &&
      !(Number.isInteger(year) && (year as number) >= years.min && (year as number) <= years.max)
    ) {
      issues.push(`year must be between ${years.min} and ${years.max} (is ${String(year)})`);
    }
    const rating = movie.rating ?? null;
    const ratings = MOVIE_LIMITS.rating;
    if (
      rating !== null &&
      !(typeof rating === 'number' && rating >= ratings.min && rating <= ratings.max)
    ) {
      issues.push(
        `rating must be between ${ratings.min} and ${ratings.max} (is ${String(rating)})`,
      );
    }
    const genreId = movie.genre_id ?? null;
    if (genreId !== null && !genreIds.has(genreId as number))
      issues.push(`genre ${String(genreId)} does not exist`);
    const directorId = movie.director_id ?? null;
    if (directorId !== null && !directorIds.has(directorId as number)) {
      issues.push(`director ${String(directorId)} does not exist`);
    }
    if (issues.length > 0) {
      problems.push(`movie ${String(movie.id)}: ${issues.join('; ')}`);
      continue;
    }
    movies.push({
      id: movie.id as number,
      title: movie.title as string,
      description: description as string,
      trailer: trailer as string,
      year: year as number | null,
      rating: rating as number | null,
      genre_id: genreId as number | null,
      director_id: directorId as number | null,
    });
  }

  const users: ImportRows['users'] = [];
  const usernames = new Map<string, number>();
  for (const user of data.users) {
    const issues: string[] = [];
    if (!isValidId(user.id)) issues.push('id must be a positive integer');
    const name = typeof user.username === 'string' ? user.username : null;
    const nameIssue = name === null ? 'username must be text' : usernameProblem(name);
    if (nameIssue) issues.push(`username ${nameIssue}`);
    if (name !== null && !nameIssue && usernames.has(textKeyOf(name))) {
      issues.push(`username repeats user ${usernames.get(textKeyOf(name))} (ignoring case)`);
    }
    if (!isRole(user.role)) issues.push(`role "${String(user.role)}" is neither user nor admin`);
    const hashIssue = digestProblem(user.password);
    if (hashIssue) issues.push(hashIssue);
    if (issues.length > 0) {
      problems.push(`user ${String(user.id)}: ${issues.join('; ')}`);
      continue;
    }
    usernames.set(textKeyOf(name as string), user.id as number);
    users.push({
      id: user.id as number,
      username: name as string,
      legacyDigest: user.password as string,
      role: user.role as Role,
    });
  }
  return { rows: { genres, directors, movies, users }, problems };
}
