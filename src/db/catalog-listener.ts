import pg from 'pg';
import { isCatalogResource, type CatalogResource } from '../shared/catalog-resources.js';

/** The channel the catalog triggers notify (migration 009), with "<schema> <table> <version>". */
export const CATALOG_CHANNEL = 'catalog_changes';

export interface CatalogListenerEvents {
  /** A write to this table committed this version. */
  readonly onChange: (resource: CatalogResource, version: number) => void;
  /** LISTEN is in place (first connection or a reconnection). */
  readonly onListening: () => void;
  /** No notifications arrive until onListening; wasListening: the connection had been listening. */
  readonly onLost: (error: Error, wasListening: boolean) => void;
}

export interface CatalogListenerOptions {
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /** How often the listening connection must answer a query, and how soon. */
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 3000;

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/** Parses "<schema> <table> <version>"; a schema name may itself hold spaces. */
export function parseCatalogChange(
  payload: string,
): { schema: string; resource: CatalogResource; version: number } | null {
  const versionAt = payload.lastIndexOf(' ');
  const resourceAt = payload.lastIndexOf(' ', versionAt - 1);
  if (resourceAt <= 0) return null;
  const resource = payload.slice(resourceAt + 1, versionAt);
  const digits = payload.slice(versionAt + 1);
  if (!isCatalogResource(resource) || !/^\d{1,15}$/.test(digits)) return null;
  return { schema: payload.slice(0, resourceAt), resource, version: Number(digits) };
}

/**
 * One PostgreSQL connection of its own, outside the pool, that LISTENs for catalog writes of every
 * instance, the CLI and the importer. A dropped or refused connection is reported, never thrown,
 * and retried with a doubling delay (100 ms to 5 s by default). A connection that stops answering
 * (a network that drops packets silently) counts as dropped: it must answer every 5 s within 3 s.
 */
export class CatalogListener {
  private client: pg.Client | null = null;
  private schema: string | null = null;
  private listening = false;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;

  constructor(
    private readonly databaseUrl: string,
    private readonly events: CatalogListenerEvents,
    options: CatalogListenerOptions = {},
  ) {
    this.minRetryMs = options.minRetryMs ?? 100;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
    this.retryMs = this.minRetryMs;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Past this, a query counts as unanswered and the connection as lost.
      query_timeout: this.heartbeatTimeoutMs,
    });
    this.client = client;
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, new Error('the listening connection ended')));
    client.on('notification', (message) => this.receive(message));
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
      this.schema = rows[0]?.schema ?? null;
      await client.query(`LISTEN ${CATALOG_CHANNEL}`);
    } catch (error) {
      this.lose(client, asError(error));
      return;
    }
    if (this.client !== client) return;
    this.listening = true;
    this.retryMs = this.minRetryMs;
    this.heartbeat = setInterval(() => void this.checkAnswers(client), this.heartbeatMs);
    this.heartbeat.unref();
    this.events.onListening();
  }

  private async checkAnswers(client: pg.Client): Promise<void> {
    try {
      await client.query('select 1');
    } catch (error) {
      this.lose(client, asError(error));
    }
  }

  private receive(message: pg.Notification): void {
    if (message.channel !== CATALOG_CHANNEL || message.payload === undefined) return;
    const change = parseCatalogChange(message.payload);
    // One database may hold several deployments, one per schema; the channel is shared.
    if (change === null || change.schema !== this.schema) return;
    this.events.onChange(change.resource, change.version);
  }

  private lose(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    const wasListening = this.listening;
    this.listening = false;
    clearInterval(this.heartbeat);
    client.removeAllListeners('notification');
    // end() would wait for a goodbye that a silent network never delivers.
    client.connection.stream.destroy();
    if (this.stopped) return;
    this.events.onLost(error, wasListening);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
  }
}
