import type { Kysely } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { idPageWindowOf, toPage } from '../../shared/paging.js';
import { idCursorOf } from '../../shared/keyset-cursor.js';
import { assertBodyIdMatches } from '../../shared/body-id.js';
import type { NamedResourceService } from '../shared/named-resource.js';
import * as repo from './repository.js';

const duplicateName = () => conflict('A genre with this name already exists');
const stillUsed = () => conflict('Movies still reference this genre');

export function createGenreService(db: Kysely<Database>): NamedResourceService {
  async function assertNameFree(name: string, exceptId?: number): Promise<void> {
    const existingId = await repo.findGenreIdByName(db, name);
    if (existingId !== undefined && existingId !== exceptId) throw duplicateName();
  }

  return {
    async list(window, options) {
      const rows = await repo.listGenres(db, idPageWindowOf(window));
      const total = options.count ? await repo.countGenres(db) : undefined;
      return toPage(rows, window, idCursorOf, total);
    },

    async get(id) {
      const genre = await repo.findGenreById(db, id);
      if (!genre) throw notFound('Genre');
      return genre;
    },

    async create(name) {
      await assertNameFree(name);
      try {
        return await repo.insertGenre(db, name);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName();
        throw error;
      }
    },

    async update(id, input) {
      assertBodyIdMatches(input.id, id);
      if (!(await repo.findGenreById(db, id))) throw notFound('Genre');
      if (input.name === undefined) return;
      await assertNameFree(input.name, id);
      try {
        await repo.updateGenreName(db, id, input.name);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName();
        throw error;
      }
    },

    async remove(id) {
      try {
        await db.transaction().execute(async (trx) => {
          if (!(await repo.findGenreById(trx, id))) throw notFound('Genre');
          if (await repo.genreHasMovies(trx, id)) throw stillUsed();
          await repo.deleteGenre(trx, id);
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw stillUsed();
        throw error;
      }
    },
  };
}
