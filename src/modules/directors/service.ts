import type { Kysely } from 'kysely';
import { isForeignKeyViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { idPageWindowOf, toPage } from '../../shared/paging.js';
import { idCursorOf } from '../../shared/keyset-cursor.js';
import { assertBodyIdMatches } from '../../shared/body-id.js';
import type { NamedResourceService } from '../shared/named-resource.js';
import * as repo from './repository.js';

const stillUsed = () => conflict('Movies still reference this director');

export function createDirectorService(db: Kysely<Database>): NamedResourceService {
  return {
    async list(window, options) {
      const rows = await repo.listDirectors(db, idPageWindowOf(window));
      const total = options.count ? await repo.countDirectors(db) : undefined;
      return toPage(rows, window, idCursorOf, total);
    },

    async get(id) {
      const director = await repo.findDirectorById(db, id);
      if (!director) throw notFound('Director');
      return director;
    },

    create: (name) => repo.insertDirector(db, name),

    async update(id, input) {
      assertBodyIdMatches(input.id, id);
      if (!(await repo.findDirectorById(db, id))) throw notFound('Director');
      if (input.name !== undefined) await repo.updateDirectorName(db, id, input.name);
    },

    async remove(id) {
      try {
        await db.transaction().execute(async (trx) => {
          if (!(await repo.findDirectorById(trx, id))) throw notFound('Director');
          if (await repo.directorHasMovies(trx, id)) throw stillUsed();
          await repo.deleteDirector(trx, id);
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw stillUsed();
        throw error;
      }
    },
  };
}
