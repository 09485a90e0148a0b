/**
 * The catalogue's tables. `places` holds exact WGS-84 coordinates; `places_rtree` is only a
 * prefilter (R*Tree stores 32-bit floats, rounded outward), keyed by the same rowid.
 * `place_names` (one row per folded name, for exact and prefix lookups) and `places_fts` (the
 * same names in an FTS5 trigram index, for substring lookups) make places findable by name;
 * both are written from the folded keys of src/text/fold.ts (see name-search.ts). The FTS index
 * reads its text from `place_texts` (external content), so an import writes each text once and
 * builds the index with one pass of SQLite's own; `columnsize=0` because nothing ranks by length.
 * Bump SCHEMA_VERSION whenever readers would see different tables or columns: an older file is
 * then refused with a clear message instead of answering from columns that are not there. (Files
 * whose `places_fts` holds its own copy of the texts, as built before `place_texts`, answer the
 * same queries the same way, so they keep version 2.)
 */
export const SCHEMA_VERSION = 2

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS places (
  rowid        INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  name_zh      TEXT,
  name_en      TEXT,
  category     TEXT NOT NULL,
  lat          REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng          REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
  address      TEXT,
  phone        TEXT,
  url          TEXT,
  picture_url  TEXT,
  source       TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS places_rtree USING rtree(place_rowid, min_lat, max_lat, min_lng, max_lng);
CREATE TABLE IF NOT EXISTS place_names (
  key          TEXT NOT NULL,
  place_rowid  INTEGER NOT NULL,
  PRIMARY KEY (key, place_rowid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS place_texts (
  rowid        INTEGER PRIMARY KEY,
  names        TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS places_fts USING fts5(
  names, tokenize = 'trigram', content = 'place_texts', content_rowid = 'rowid', columnsize = 0
);
CREATE TABLE IF NOT EXISTS catalogue_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`
