import {
  SqliteDialect,
  SqliteQueryCompiler,
  ValueNode,
  type LimitNode,
  type QueryCompiler,
} from 'kysely';

// SQLite plans a few statements around the values bound to them: a bound LIMIT, and the pattern
// of LIKE or GLOB. Binding a new value to such a parameter marks the statement expired, so every
// run compiles it again (35 µs for a movie list page alone, as long as running it). A parameter
// inside an expression (`? + 0`, `+?`) is not read while planning, and the compiled statement is
// kept from one run to the next.

class StablePlanCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    super.visitLimit(node);
    if (ValueNode.is(node.limit)) this.append(' + 0');
  }
}

/** Kysely's SQLite dialect, with a LIMIT SQLite compiles once, whatever the value bound to it. */
export class StablePlanSqliteDialect extends SqliteDialect {
  override createQueryCompiler(): QueryCompiler {
    return new StablePlanCompiler();
  }
}
