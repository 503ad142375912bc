import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  createNamedResourceService,
  type NamedResource,
  type NamedResourceService,
} from '../named-resources/service.js';

export const DIRECTORS: NamedResource = { table: 'directors', label: 'Director' };

export const createDirectorService = (db: Kysely<Database>): NamedResourceService =>
  createNamedResourceService(db, DIRECTORS);
