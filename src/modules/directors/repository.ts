import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { findNamedById, type Named } from '../named-resources/repository.js';

export type Director = Named;

export const findDirectorById = (db: Kysely<Database>, id: number): Promise<Director | undefined> =>
  findNamedById(db, 'directors', id);
