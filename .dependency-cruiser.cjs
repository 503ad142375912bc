// The layering of STYLE.md, checked in CI (`npm run lint`): arrows point down only, no cycles.
// routes → services → repositories → db/, with config, errors and shared/ at the bottom.
// Files by role: routes and Fastify hooks; files that query the database.
const ROUTE_SIDE = '(routes|hooks)\\.ts$';
const DATA_ACCESS = '(repository|list-query|movie-json)[^/]*\\.ts$';
const FASTIFY = 'node_modules/(fastify|@fastify)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'Two files that import each other (directly or around a loop).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Two folders of src/ that import each other, such as auth ↔ modules/users.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'bottom-imports-only-bottom',
      severity: 'error',
      comment: 'config, errors and shared/ are the bottom layer: they import nothing else of src/.',
      from: { path: '^src/(shared/|config|errors\\.ts)' },
      to: { path: '^src/', pathNot: '^src/(shared/|config|errors\\.ts)' },
    },
    {
      name: 'shared-is-framework-free',
      severity: 'error',
      comment: 'shared/ is used by every layer, so it must not pull in Fastify or a database.',
      from: { path: '^src/shared/' },
      to: { path: 'node_modules/(fastify|@fastify|kysely|pg|better-sqlite3)/' },
    },
    {
      name: 'db-below-the-app',
      severity: 'error',
      comment: 'db/ knows tables and connections, not modules, auth, HTTP or commands.',
      from: { path: '^src/db/' },
      to: { path: '^src/(modules|auth|http|import|cli)/|^src/(app|server)\\.ts$' },
    },
    {
      name: 'data-access-below-services',
      severity: 'error',
      comment:
        'Files that query (repositories, list queries) return rows; no service, route or Fastify.',
      from: { path: DATA_ACCESS },
      to: { path: `service[^/]*\\.ts$|${ROUTE_SIDE}|^src/http/|${FASTIFY}` },
    },
    {
      name: 'only-the-route-side-knows-http',
      severity: 'error',
      comment:
        'In modules/ and auth/, only routes, hooks, guards and schemas see Fastify or http/; services and the rest hold rules.',
      from: { path: '^src/(modules|auth)/', pathNot: `${ROUTE_SIDE}|(authenticate|schemas)\\.ts$` },
      to: { path: `^src/http/|${FASTIFY}|${ROUTE_SIDE}` },
    },
    {
      name: 'routes-reach-data-through-services',
      severity: 'error',
      comment: 'No route touches the database: queries live in repositories and db/.',
      from: { path: ROUTE_SIDE },
      to: { path: `${DATA_ACCESS}|^src/db/|node_modules/(kysely|pg|better-sqlite3)/` },
    },
    {
      name: 'auth-reads-users-through-an-interface',
      severity: 'error',
      comment: 'auth/ gets what it needs about users from app.ts, never by importing modules/.',
      from: { path: '^src/auth/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'http-below-modules',
      severity: 'error',
      comment: 'http/ holds Fastify pieces every route uses; it does not know the resources.',
      from: { path: '^src/http/' },
      to: { path: '^src/(modules|auth|import|cli)/' },
    },
    {
      name: 'only-entry-points-assemble',
      severity: 'error',
      comment:
        'app.ts and server.ts sit on top: only the entry points and the command line import them.',
      from: { path: '^src/', pathNot: '^src/(server\\.ts|cli/)' },
      to: { path: '^src/(app|server)\\.ts$|^src/cli/' },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|e2e|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
