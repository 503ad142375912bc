import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { QueryShapes, slot } from '../../src/db/query-shapes.js';

interface Table {
  id: number;
  name: string;
}
const db = new Kysely<{ t: Table }>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

interface Values {
  readonly id: number;
  readonly name?: string;
}

function byIdAndName(values: Values) {
  let query = db
    .selectFrom('t')
    .selectAll()
    .where(
      'id',
      '>',
      slot<Values, number>((v) => v.id),
    )
    .where('id', '<', 1000);
  if (values.name !== undefined)
    query = query.where(
      'name',
      '=',
      slot<Values, string>((v) => v.name),
    );
  return query;
}

const shapeOf = (values: Values) => (values.name === undefined ? 'id' : 'id+name');

describe('query shapes', () => {
  it('When a shape is asked again, then it is compiled once and each call gets its own values', () => {
    const shapes = new QueryShapes<Values, Table>();
    let builds = 0;
    const queryFor = (values: Values) =>
      shapes.queryFor(db, shapeOf(values), values, () => {
        builds += 1;
        return byIdAndName(values);
      });
    const first = queryFor({ id: 1 });
    const second = queryFor({ id: 2 });
    const named = queryFor({ id: 3, name: 'x' });
    assert.equal(builds, 2);
    assert.deepEqual(first.parameters, [1, 1000]);
    assert.deepEqual(second.parameters, [2, 1000]);
    assert.equal(second.sql, first.sql);
    assert.deepEqual(named.parameters, [3, 1000, 'x']);
    assert.match(named.sql, /"name" = \?/);
  });

  it('When more shapes than allowed are asked, then the oldest is built again', () => {
    const shapes = new QueryShapes<Values, Table>(1);
    let builds = 0;
    const queryFor = (values: Values) =>
      shapes.queryFor(db, shapeOf(values), values, () => {
        builds += 1;
        return byIdAndName(values);
      });
    queryFor({ id: 1 });
    queryFor({ id: 1, name: 'x' });
    queryFor({ id: 1 });
    assert.equal(builds, 3);
  });
});
