import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  createNamedResourceService,
  type NamedResource,
  type NamedResourceService,
} from '../named-resources/service.js';

export const GENRES: NamedResource = { table: 'genres', label: 'Genre' };

export const createGenreService = (db: Kysely<Database>): NamedResourceService =>
  createNamedResourceService(db, GENRES);
