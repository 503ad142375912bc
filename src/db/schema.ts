import type { Generated, Selectable } from 'kysely';

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
  role: 'user' | 'admin';
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

export interface RefreshFamilyTable {
  id: string;
  user_id: number;
  created_at: number;
  revoked_at: number | null;
}

export interface RefreshTokenTable {
  jti: string;
  family_id: string;
  issued_at: number;
  expires_at: number;
  retired_at: number | null;
  successor_jti: string | null;
}

/** A fixed window of counted attempts for one key (a digest), with an optional block. */
export interface AttemptCounterTable {
  key: string;
  window_start: number;
  hits: number;
  /** 0 when not blocked. */
  blocked_until: Generated<number>;
}

export interface CatalogVersionTable {
  id: number;
  version: number;
}

export interface Database {
  genres: GenreTable;
  directors: DirectorTable;
  movies: MovieTable;
  users: UserTable;
  refresh_families: RefreshFamilyTable;
  refresh_tokens: RefreshTokenTable;
  attempt_counters: AttemptCounterTable;
  catalog_version: CatalogVersionTable;
  favorites: FavoriteTable;
}

export type GenreRow = Selectable<GenreTable>;
export type DirectorRow = Selectable<DirectorTable>;
export type MovieRow = Selectable<MovieTable>;
export type UserRow = Selectable<UserTable>;
export type RefreshTokenRow = Selectable<RefreshTokenTable>;
