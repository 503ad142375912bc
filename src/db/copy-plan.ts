/** How copy-to-postgres treats each table the application owns. */
export type TablePlan =
  | { readonly copy: true; readonly key: readonly string[] }
  | { readonly copy: false; readonly reason: string; readonly sqliteOnly?: true };

// A table missing here stops the copy before anything is written: a new table must be decided on.
export const COPY_PLAN: Readonly<Record<string, TablePlan>> = {
  genres: { copy: true, key: ['id'] },
  directors: { copy: true, key: ['id'] },
  movies: { copy: true, key: ['id'] },
  users: { copy: true, key: ['id'] },
  favorites: { copy: true, key: ['user_id', 'movie_id'] },
  // Signed-in users stay signed in: their refresh tokens keep rotating on the copy.
  refresh_families: { copy: true, key: ['id'] },
  catalog_versions: {
    copy: false,
    reason: "the target's own cache counters, created by its migrations and bumped as rows arrive",
  },
  attempt_counters: {
    copy: false,
    reason: 'transient login and registration counters that expire within minutes',
  },
  movie_search: {
    copy: false,
    reason: "the search index, built by the target's triggers as movies arrive",
  },
  movie_search_vocabulary: {
    copy: false,
    reason: "the search index's words, kept by the target's triggers as movies arrive",
  },
  movie_search_instances: {
    copy: false,
    reason: "SQLite's view of the search index's words by movie; PostgreSQL has its vocabulary",
    sqliteOnly: true,
  },
  movies_title_fts: {
    copy: false,
    reason: "SQLite's title search index, built from movies; PostgreSQL indexes titles itself",
    sqliteOnly: true,
  },
};

export const COPIED_TABLES: readonly string[] = Object.keys(COPY_PLAN).filter(
  (table) => COPY_PLAN[table]?.copy,
);
