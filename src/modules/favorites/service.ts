import type { Kysely } from 'kysely';
import { isForeignKeyViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { notFound } from '../../errors.js';
import { movieExists } from '../movies/repository.js';
import type { Movie } from '../movies/schemas.js';
import { findUserById } from '../users/repository.js';
import * as repo from './repository.js';

export function createFavoriteService(db: Kysely<Database>) {
  async function assertMovie(movieId: number): Promise<void> {
    if (!(await movieExists(db, movieId))) throw notFound('Movie');
  }

  return {
    /** Most recently added first; a deleted movie is gone from every list. */
    list: (userId: number): Promise<Movie[]> => repo.listFavoriteMovies(db, userId),

    async add(userId: number, movieId: number): Promise<void> {
      await assertMovie(movieId);
      try {
        await repo.addFavorite(db, userId, movieId, Date.now());
      } catch (error) {
        // The movie or the caller's user was deleted meanwhile.
        if (!isForeignKeyViolation(error)) throw error;
        if (!(await findUserById(db, userId))) throw notFound('User');
        throw notFound('Movie');
      }
    },

    async remove(userId: number, movieId: number): Promise<void> {
      await assertMovie(movieId);
      await repo.removeFavorite(db, userId, movieId);
    },
  };
}

export type FavoriteService = ReturnType<typeof createFavoriteService>;
