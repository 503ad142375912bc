import { existsSync } from 'node:fs';
import { loadConfigOrExit, shellDatabaseUrl, sqliteFileOf } from '../config.js';
import { copyDatabase } from '../db/copy.js';
import { openDatabase } from '../db/database.js';
import { openPreparedDatabase } from '../db/prepare.js';
import { UsageError } from './usage.js';

export async function copyToPostgresCommand(from: string, to: string | undefined): Promise<string> {
  const sourceUrl = from.startsWith('sqlite:') ? from : `sqlite:${from}`;
  const file = sqliteFileOf(sourceUrl);
  if (file === null || !existsSync(file)) throw new UsageError(`no SQLite database at ${from}`);
  const targetUrl = to ?? shellDatabaseUrl();
  if (!targetUrl || !/^postgres(ql)?:\/\//.test(targetUrl)) {
    throw new UsageError('--to must be a postgres:// URL (or set DATABASE_URL to one)');
  }
  const config = loadConfigOrExit({ DATABASE_URL: targetUrl, SEED_DEMO: 'false' });
  const source = openDatabase(sourceUrl, { readonly: true });
  try {
    const target = await openPreparedDatabase(config);
    try {
      const counts = await copyDatabase(source.db, target.db, target.dialect);
      const parts = Object.entries(counts).map(([table, count]) => `${count} ${table}`);
      return `copied ${parts.join(', ')}`;
    } finally {
      await target.db.destroy();
    }
  } finally {
    await source.db.destroy();
  }
}
