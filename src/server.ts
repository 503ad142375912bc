import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.js';
import { lowerHashingPriority } from './auth/hash-priority.js';
import { loadConfigOrExit } from './config.js';
import { openPreparedDatabase } from './db/prepare.js';

const SHUTDOWN_GRACE_MS = 10_000;

const config = loadConfigOrExit();
// First, while nothing else has started libuv's worker pool.
const reniced = await lowerHashingPriority(config.threadPoolSize);
const logger: { current?: FastifyBaseLogger } = {};
const database = await openPreparedDatabase(config, {
  onPoolError: (error) => logger.current?.warn({ err: error }, 'database connection lost'),
});
const app = await buildApp({ config, db: database.db });
logger.current = app.log;
app.addHook('onClose', async () => {
  await database.db.destroy();
});

app.log.debug({ threads: reniced }, 'hashing threads run at a lower priority');
if (database.created) {
  app.log.info({ seeded: database.seeded }, 'created a new database');
}

let closing = false;
// Keep-alive sockets would hold close() open: answers given while closing end their connection.
app.addHook('onSend', async (_request, reply) => {
  if (closing) reply.header('connection', 'close');
});

async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  const force = setTimeout(() => {
    app.log.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  await app.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

try {
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(`docs at ${address}/docs`);
} catch (error) {
  app.log.error({ err: error }, 'could not start');
  await app.close();
  process.exit(1);
}
