import type { Generated, Selectable } from 'kysely';
import type { Role } from '../shared/limits.js';

export interface GenreTable {
  id: Generated<number>;
  name: string;
  // name.toLowerCase(): uniqueness that behaves the same for Cyrillic on every database.
  name_key: string;
}

export interface DirectorTable {
  id: Generated<number>;
  name: string;
}

export interface MovieTable {
  id: Generated<number>;
  title: string;
  title_key: string;
  description: string;
  trailer: string;
  year: number | null;
  rating: number | null;
  genre_id: number | null;
  director_id: number | null;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  username_key: string;
  password_hash: string;
  role: Role;
  email: string | null;
  email_key: string | null;
  name: Generated<string>;
  surname: Generated<string>;
  favourite_genre: number | null;
  /** Bumped by every password change. */
  password_version: Generated<number>;
}

export interface FavoriteTable {
  user_id: number;
  movie_id: number;
  added_at: number;
}

/** A family holds its current refresh token and the one that token replaced; older ones are theft. */
export interface RefreshFamilyTable {
  id: string;
  user_id: number;
  created_at: number;
  revoked_at: number | null;
  generation: number;
  current_jti: string;
  current_issued_at: number;
  current_expires_at: number;
  previous_jti: string | null;
  previous_retired_at: number | null;
}

/** A fixed window of counted attempts for one key (a digest), with an optional block. */
export interface AttemptCounterTable {
  key: string;
  window_start: number;
  hits: number;
  /** 0 when not blocked. */
  blocked_until: Generated<number>;
}

/** One row per catalog table (movies, genres, directors), bumped by triggers on every write. */
export interface CatalogVersionsTable {
  resource: string;
  version: number;
}

export interface Database {
  genres: GenreTable;
  directors: DirectorTable;
  movies: MovieTable;
  users: UserTable;
  refresh_families: RefreshFamilyTable;
  attempt_counters: AttemptCounterTable;
  catalog_versions: CatalogVersionsTable;
  favorites: FavoriteTable;
}

export type GenreRow = Selectable<GenreTable>;
export type DirectorRow = Selectable<DirectorTable>;
export type MovieRow = Selectable<MovieTable>;
export type UserRow = Selectable<UserTable>;
export type RefreshFamilyRow = Selectable<RefreshFamilyTable>;
