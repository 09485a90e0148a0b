import type { DbSchema } from './db.js'

/**
 * The gazetteer: names of places people search around (landmarks, streets, stations, districts,
 * subdistricts), in a SQLite file of its own (GAZETTEER_FILE) so that it is imported and
 * refreshed apart from any account's catalogue. Points are WGS-84. `prominence` (0–100) decides
 * between places that share a name: a metro interchange or a famous sight beats a bus stop.
 * `gazetteer_names` holds each folded name (derived = 1 for shortened forms such as 黄浦 for
 * 黄浦区); `gazetteer_fts` the same names in a trigram index for substring lookups.
 */
export const GAZETTEER_SCHEMA_VERSION = 1

export const GAZETTEER_KINDS = ['landmark', 'street', 'station', 'district', 'subdistrict', 'place'] as const
export type GazetteerKind = (typeof GAZETTEER_KINDS)[number]

export const GAZETTEER_SQL = `
CREATE TABLE IF NOT EXISTS gazetteer (
  rowid        INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  other_names  TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL CHECK (kind IN (${GAZETTEER_KINDS.map(k => `'${k}'`).join(', ')})),
  detail       TEXT,
  lat          REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng          REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
  prominence   REAL NOT NULL,
  source       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gazetteer_names (
  key          TEXT NOT NULL,
  entry_rowid  INTEGER NOT NULL,
  derived      INTEGER NOT NULL,
  PRIMARY KEY (key, entry_rowid)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS gazetteer_fts USING fts5(names, tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS gazetteer_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`

export const GAZETTEER_DB: DbSchema = {
  sql: GAZETTEER_SQL,
  version: GAZETTEER_SCHEMA_VERSION,
  what: 'gazetteer database',
  fix: 're-import the gazetteer (npm run import:gazetteer)',
  table: 'gazetteer',
}
