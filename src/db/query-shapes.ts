import type { Compilable, CompiledQuery } from 'kysely';
import { nameStatement } from './statement-names.js';

/** Stands in for a value while a query shape is compiled; `read` takes it from each call's values. */
class Slot<V> {
  constructor(readonly read: (values: V) => unknown) {}
}

/** A slot, typed as the value it stands for, so query builders take it where the value goes. */
export const slot = <V, T>(read: (values: V) => unknown): T => new Slot(read) as unknown as T;

const DEFAULT_MAX_SHAPES = 256;

/**
 * Queries built and compiled once per shape (what decides their SQL text) and database, then run
 * with each call's values in their slots: building and compiling a query with Kysely can cost more
 * than running it. A shape's SQL must not depend on anything its key leaves out.
 */
export class QueryShapes<V, R> {
  private readonly byDatabase = new WeakMap<object, Map<string, CompiledQuery<R>>>();

  constructor(private readonly maxShapes = DEFAULT_MAX_SHAPES) {}

  /**
   * The query of this shape, with `values` in its slots; `build` makes it (with slots) once.
   * `named`: the shape may run as a named statement (db/statement-names.ts).
   */
  queryFor(
    db: object,
    shape: string,
    values: V,
    build: () => Compilable<R>,
    named = true,
  ): CompiledQuery<R> {
    let shapes = this.byDatabase.get(db);
    if (shapes === undefined) {
      shapes = new Map();
      this.byDatabase.set(db, shapes);
    }
    let compiled = shapes.get(shape);
    if (compiled === undefined) {
      compiled = build().compile();
      if (named) nameStatement(compiled.sql);
      shapes.set(shape, compiled);
      const oldest = shapes.keys().next();
      if (shapes.size > this.maxShapes && oldest.done !== true) shapes.delete(oldest.value);
    }
    const parameters = compiled.parameters.map((parameter) =>
      parameter instanceof Slot ? (parameter as Slot<V>).read(values) : parameter,
    );
    return { ...compiled, parameters };
  }
}
