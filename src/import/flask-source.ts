import { openSqliteConnection, type SqliteConnection } from '../db/sqlite-connection.js';

export interface FlaskGenre {
  id: unknown;
  name: unknown;
}
export type FlaskDirector = FlaskGenre;
export interface FlaskMovie {
  id: unknown;
  title: unknown;
  description: unknown;
  trailer: unknown;
  year: unknown;
  rating: unknown;
  genre_id: unknown;
  director_id: unknown;
}
export interface FlaskUser {
  id: unknown;
  username: unknown;
  password: unknown;
  role: unknown;
}

export interface FlaskData {
  genres: FlaskGenre[];
  directors: FlaskDirector[];
  movies: FlaskMovie[];
  users: FlaskUser[];
}

export class FlaskSourceError extends Error {}

const REQUIRED_COLUMNS: Record<string, string[]> = {
  director: ['id', 'name'],
  genre: ['id', 'name'],
  movie: ['id', 'title', 'description', 'trailer', 'year', 'rating', 'genre_id', 'director_id'],
};
const USER_COLUMNS = ['id', 'username', 'password', 'role'];

/** Reads a Flask-RESTX movie catalog database; opened read-only, never changed. */
export function readFlaskDatabase(file: string): FlaskData {
  let sqlite: SqliteConnection;
  try {
    sqlite = openSqliteConnection(file, { readonly: true, lossyIntegers: true });
  } catch (error) {
    throw new FlaskSourceError(
      `cannot open ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const columnsOf = (table: string): string[] =>
      (
        sqlite.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]
      ).map((c) => c.name);
    let tables: string[];
    try {
      tables = (
        sqlite.prepare(`select name from sqlite_master where type = 'table'`).all() as {
          name: string;
        }[]
      ).map((t) => t.name);
    } catch {
      throw new FlaskSourceError(`${file} is not a SQLite database, or it is damaged`);
    }
    for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
      if (!tables.includes(table))
        throw new FlaskSourceError(`${file} is not a Flask movie catalog: no table "${table}"`);
      const missing = columns.filter((column) => !columnsOf(table).includes(column));
      if (missing.length > 0) {
        throw new FlaskSourceError(
          `${file} is not a Flask movie catalog: table "${table}" lacks ${missing.join(', ')}`,
        );
      }
    }
    const hasUsers =
      tables.includes('user') && USER_COLUMNS.every((column) => columnsOf('user').includes(column));
    const all = <T>(query: string): T[] => {
      try {
        return sqlite.prepare(query).all() as T[];
      } catch (error) {
        throw new FlaskSourceError(
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    };
    return {
      genres: all<FlaskGenre>('select id, name from genre order by id'),
      directors: all<FlaskDirector>('select id, name from director order by id'),
      movies: all<FlaskMovie>(
        'select id, title, description, trailer, year, rating, genre_id, director_id from movie order by id',
      ),
      users: hasUsers
        ? all<FlaskUser>('select id, username, password, role from "user" order by id')
        : [],
    };
  } finally {
    sqlite.close();
  }
}
