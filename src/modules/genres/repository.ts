import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { findNamedById, type Named } from '../named-resources/repository.js';

export type Genre = Named;

export const findGenreById = (db: Kysely<Database>, id: number): Promise<Genre | undefined> =>
  findNamedById(db, 'genres', id);
