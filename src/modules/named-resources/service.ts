import type { Kysely } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { assertBodyIdMatches } from '../../shared/body-id.js';
import { idOrderedPage } from '../../shared/id-page.js';
import type { CatalogResource } from '../../shared/catalog-resources.js';
import type { ListOptions, Page, PageWindow } from '../../shared/paging.js';
import * as repo from './repository.js';
import type { Named } from './repository.js';
import type { NamedResource } from './schemas.js';

export interface NamedInput {
  id?: number;
  name?: string;
}

/** Genres and directors: the same five operations, with their own rules behind them. */
export interface NamedResourceService {
  /** The catalog tables its answers are read from. */
  readonly answerReads: readonly CatalogResource[];
  list(window: PageWindow, options: ListOptions): Promise<Page<Named>>;
  get(id: number): Promise<Named>;
  create(name: string): Promise<Named>;
  update(id: number, input: NamedInput): Promise<void>;
  remove(id: number): Promise<void>;
}

/**
 * Genre names are unique (409 on a taken one, checked first so the answer does not depend on the
 * database's error); director names are not. A row that movies still use is not deleted (409).
 */
function createNamedResourceService(
  db: Kysely<Database>,
  { table, label }: NamedResource,
): NamedResourceService {
  const noun = label.toLowerCase();
  const uniqueNames = repo.hasNameKey(table);
  const duplicateName = () => conflict(`A ${noun} with this name already exists`);
  const stillUsed = () => conflict(`Movies still reference this ${noun}`);

  async function assertNameFree(name: string, exceptId?: number): Promise<void> {
    if (!repo.hasNameKey(table)) return;
    const existingId = await repo.findIdByName(db, table, name);
    if (existingId !== undefined && existingId !== exceptId) throw duplicateName();
  }

  async function writeName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (uniqueNames && isUniqueViolation(error)) throw duplicateName();
      throw error;
    }
  }

  return {
    answerReads: repo.namedAnswerReads(table),
    list: (window, options) =>
      idOrderedPage(
        window,
        options,
        (rows) => repo.listNamed(db, table, rows),
        () => repo.countNamed(db, table),
      ),

    async get(id) {
      const named = await repo.findNamedById(db, table, id);
      if (!named) throw notFound(label);
      return named;
    },

    async create(name) {
      await assertNameFree(name);
      return writeName(() => repo.insertNamed(db, table, name));
    },

    async update(id, input) {
      assertBodyIdMatches(input.id, id);
      if (!(await repo.findNamedById(db, table, id))) throw notFound(label);
      if (input.name === undefined) return;
      const { name } = input;
      await assertNameFree(name, id);
      await writeName(() => repo.updateName(db, table, id, name));
    },

    async remove(id) {
      try {
        await db.transaction().execute(async (trx) => {
          if (!(await repo.findNamedById(trx, table, id))) throw notFound(label);
          if (await repo.hasMovies(trx, table, id)) throw stillUsed();
          await repo.deleteNamed(trx, table, id);
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw stillUsed();
        throw error;
      }
    },
  };
}

/** The service factory app.ts calls for one resource (genres, directors). */
export const namedResourceServiceOf =
  (resource: NamedResource) =>
  (db: Kysely<Database>): NamedResourceService =>
    createNamedResourceService(db, resource);
