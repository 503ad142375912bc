import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COPY_PLAN } from '../../src/db/copy-plan.js';
import { inForeignKeyOrder, listApplicationTables } from '../../src/db/tables.js';
import { openTestDatabase, type OpenTestDatabase } from '../helpers.js';

let opened: OpenTestDatabase;
before(async () => {
  opened = await openTestDatabase({ SEED_DEMO: 'false' });
});
after(() => opened.close());

describe('copy-to-postgres plan', () => {
  it('When the database is migrated, then copy has decided on exactly the tables it has', async () => {
    const tables = await listApplicationTables(opened.database.db, opened.database.dialect);
    assert.deepEqual(
      tables.map((table) => table.name),
      Object.entries(COPY_PLAN)
        .filter(([, plan]) => opened.database.dialect === 'sqlite' || plan.copy || !plan.sqliteOnly)
        .map(([name]) => name)
        .sort(),
      'a table added by a migration must be copied, or listed in COPY_PLAN with its reason',
    );
  });

  it('When tables are ordered for copying, then each comes after the tables it references', async () => {
    const tables = await listApplicationTables(opened.database.db, opened.database.dialect);
    const order = inForeignKeyOrder(tables);
    for (const table of tables) {
      for (const parent of table.references) {
        assert.ok(
          order.indexOf(parent) < order.indexOf(table.name),
          `${parent} before ${table.name}`,
        );
      }
    }
    assert.ok(order.indexOf('users') < order.indexOf('favorites'));
    assert.ok(order.indexOf('movies') < order.indexOf('favorites'));
    assert.ok(order.indexOf('genres') < order.indexOf('users'), 'favourite_genre');
  });
});
