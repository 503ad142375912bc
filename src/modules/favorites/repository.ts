import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { movieRowToMovie, selectMovies } from '../movies/repository.js';
import type { Movie } from '../movies/schemas.js';

type Db = Kysely<Database>;

export async function listFavoriteMovies(db: Db, userId: number): Promise<Movie[]> {
  const rows = await selectMovies(db)
    .innerJoin('favorites', 'favorites.movie_id', 'movies.id')
    .where('favorites.user_id', '=', userId)
    .orderBy('favorites.added_at', 'desc')
    .orderBy('movies.id', 'desc')
    .execute();
  return rows.map(movieRowToMovie);
}

/** Adding one that is already there keeps its original time. */
export async function addFavorite(
  db: Db,
  userId: number,
  movieId: number,
  now: number,
): Promise<void> {
  await db
    .insertInto('favorites')
    .values({ user_id: userId, movie_id: movieId, added_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'movie_id']).doNothing())
    .execute();
}

export async function removeFavorite(db: Db, userId: number, movieId: number): Promise<void> {
  await db
    .deleteFrom('favorites')
    .where('user_id', '=', userId)
    .where('movie_id', '=', movieId)
    .execute();
}
