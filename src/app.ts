import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { createGuards } from './auth/authenticate.js';
import { HashGate } from './auth/hash-gate.js';
import {
  DatabaseLoginThrottle,
  DatabaseRegistrationLimit,
  type LoginThrottle,
} from './auth/login-limiter.js';
import { emailAuthRoutes } from './auth/email-routes.js';
import { authRoutes } from './auth/routes.js';
import { authPurgeTasks } from './auth/purge-tasks.js';
import { createAuthService } from './auth/service.js';
import { TokenService } from './auth/tokens.js';
import { BODY_LIMIT_BYTES, type Config } from './config.js';
import type { Database } from './db/schema.js';
import { AppError } from './errors.js';
import { dialectOf, pingDatabase, poolUsageOf } from './db/database.js';
import { startPurging } from './db/purge.js';
import { startCatalogCache } from './http/catalog-cache/setup.js';
import { catalogScope, type CatalogRoute } from './http/catalog-cache/hooks.js';
import { clientErrorHandler } from './http/client-errors.js';
import { refuseInvalidUtf8 } from './http/utf8.js';
import { registerCors } from './http/cors.js';
import { registerRequestIdHeader, requestIdOf } from './http/request-id.js';
import { registerAdminConsole } from './http/admin-console.js';
import { registerDocs } from './http/docs.js';
import { registerErrorHandler, sendError } from './http/error-handler.js';
import { frameworkErrorHandler } from './http/framework-errors.js';
import { healthRoutes } from './http/health-routes.js';
import { metricsRoutes, recordRequestDurations } from './http/metrics-routes.js';
import { registerRequestLogging } from './http/request-logging.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { rejectUnstorableText } from './http/storable-text.js';
import { trackRouteMethods } from './http/method-not-allowed.js';
import { ErrorBody } from './http/schemas.js';
import { createLogger } from './http/logger.js';
import { AppMetrics } from './http/app-metrics.js';
import { validatorCompiler } from './http/validators.js';
import { directorRoutes } from './modules/directors/routes.js';
import { DIRECTORS } from './modules/directors/schemas.js';
import { namedResourceServiceOf } from './modules/named-resources/service.js';
import { genreRoutes } from './modules/genres/routes.js';
import { GENRES } from './modules/genres/schemas.js';
import { movieRoutes } from './modules/movies/routes.js';
import { createMovieService } from './modules/movies/service.js';
import { favoriteRoutes } from './modules/favorites/routes.js';
import { createFavoriteService } from './modules/favorites/service.js';
import { userRoutes } from './modules/users/routes.js';
import { createUserAccounts, emailRegistrationOf } from './modules/users/accounts.js';
import { meRoutes } from './modules/users/me-routes.js';
import { serverTakingTurns } from './http/request-turns.js';
import { createUserService } from './modules/users/service.js';
import packageJson from '../package.json' with { type: 'json' };

export interface AppDeps {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly throttle?: LoginThrottle;
  readonly logger?: FastifyBaseLogger;
  /** The built admin console's folder (tests give one of their own). */
  readonly adminConsoleFolder?: string;
}

export async function buildApp({
  config,
  db,
  throttle,
  logger,
  adminConsoleFolder,
}: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger ?? createLogger(config.logLevel),
    bodyLimit: BODY_LIMIT_BYTES,
    // A request, headers and body, must arrive within the deadline (408): a trickling client
    // holds a connection and its parser that long at most. Node checks deadlines on an interval.
    requestTimeout: config.requestTimeoutMs,
    http: {
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(1000, Math.floor(config.requestTimeoutMs / 4)),
      ),
    },
    // Requests start in turns of about a millisecond per event-loop iteration (request-turns.ts).
    serverFactory: serverTakingTurns,
    trustProxy: config.trustProxyOption,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkErrorHandler(config.corsOrigins),
    clientErrorHandler: clientErrorHandler(config.corsOrigins),
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // One line per request (below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies: text/plain would otherwise reach the schema as a string.
  app.removeContentTypeParser(['text/plain']);
  app.decorateRequest('auth', null);
  app.decorateRequest('catalogCacheMiss', null);
  app.decorateRequest('catalogMovieScope', null);
  app.addSchema(ErrorBody);
  registerErrorHandler(app);
  rejectUnstorableText(app);
  refuseInvalidUtf8(app);
  const allowedMethods = trackRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const methods = allowedMethods(path);
    if (methods.length === 0)
      return sendError(reply, new AppError(404, 'not_found', 'Route not found'));
    reply.header('allow', methods.join(', '));
    return sendError(
      reply,
      new AppError(405, 'method_not_allowed', `Method ${request.method} is not allowed here`),
    );
  });

  registerRequestIdHeader(app);
  await registerCors(app, config.corsOrigins);
  registerSecurityHeaders(app);
  registerRequestLogging(app);
  // Off unless METRICS_TOKEN is set: then a registry of this app's own.
  const metrics = config.metricsToken === null ? null : new AppMetrics(poolUsageOf(db));
  if (metrics !== null) recordRequestDurations(app, metrics);
  await registerDocs(app, packageJson.version);
  registerAdminConsole(app, adminConsoleFolder);

  const tokens = new TokenService(config);
  const { current: kid, verified: verifiedKids } = tokens.signingKeyIds;
  // Kids are not secret; instances of one deployment should all log the same ones.
  app.log.info({ kid, verifiedKids }, 'signing tokens');
  const accounts = createUserAccounts(db);
  const guards = createGuards(tokens, config.catalogRead, accounts.currentRoleOf);
  const hashGate = new HashGate(
    { queuedPerClient: config.hashQueuePerClient, startWithinMs: config.hashStartTimeoutMs },
    metrics?.auth,
  );
  const registrations = new DatabaseRegistrationLimit(
    db,
    config.registrationsPerMinute,
    Date.now,
    metrics?.auth,
  );
  const authService = createAuthService({
    db,
    accounts,
    tokens,
    throttle:
      throttle ??
      new DatabaseLoginThrottle(db, {
        maxFailuresPerAccount: config.loginMaxFailuresPerAccount,
        maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
        windowMs: config.loginFailureWindow * 1000,
        blockMs: config.loginBlockDuration * 1000,
      }),
    pbkdf2Iterations: config.pbkdf2Iterations,
    refreshReuseGraceSeconds: config.refreshReuseGrace,
    events: metrics?.auth,
  });

  const purger = startPurging(
    db,
    authPurgeTasks({ loginFailureWindowMs: config.loginFailureWindow * 1000 }),
    (error) => app.log.warn({ err: error }, 'purging expired rows failed'),
  );
  app.addHook('onClose', async () => purger.stop());

  await app.register(healthRoutes, {
    pingDatabase: () => pingDatabase(db),
  });
  const catalogCache = await startCatalogCache(app, config, db);
  app.decorate('catalogCache', catalogCache);
  if (metrics !== null && config.metricsToken !== null) {
    metrics.watchCatalogCache(() => ({
      ...(catalogCache?.stats ?? { hits: 0, misses: 0 }),
      ...(catalogCache?.usage ?? { entries: 0, bytes: 0 }),
    }));
    await app.register(metricsRoutes, { metrics, token: config.metricsToken });
  }

  await app.register(authRoutes, { service: authService, hashGate });
  const catalogRoutes: CatalogRoute[] = [];
  app.decorate('catalogRoutes', catalogRoutes);
  await app.register(async (catalog) => {
    const { writes, routes } = catalogScope(catalog, catalogCache, config.catalogRead);
    const service = createMovieService(db, dialectOf(config.databaseUrl));
    await catalog.register(movieRoutes, { service, guards, writes });
    await catalog.register(directorRoutes, {
      service: namedResourceServiceOf(DIRECTORS)(db),
      guards,
    });
    await catalog.register(genreRoutes, { service: namedResourceServiceOf(GENRES)(db), guards });
    catalogRoutes.push(...routes);
  });
  const userService = createUserService(db, config.pbkdf2Iterations);
  await app.register(userRoutes, {
    service: userService,
    guards,
    registrations,
    hashGate,
  });
  await app.register(emailAuthRoutes, {
    service: authService,
    registration: emailRegistrationOf(userService),
    guards,
    registrations,
    hashGate,
  });
  await app.register(meRoutes, { service: userService, auth: authService, guards, hashGate });
  await app.register(favoriteRoutes, { service: createFavoriteService(db), guards });
  return app;
}
