// The root package lists this folder as an optional dependency; npm skips it, and so never builds
// better-sqlite3, on any Node line outside this package's `engines` (see src/db/sqlite-connection.ts).
module.exports = require('better-sqlite3');
