import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import type { Datum } from '../geo/datum.js'
import { AppError } from '../errors.js'
import type { Db } from './db.js'
import { decodeText, type TextEncoding } from './decode.js'
import { nameKeys, searchText } from './name-search.js'
import { readCsv } from './read-csv.js'
import { readGeoJson } from './read-geojson.js'
import { isRefusal, toRecord, type PlaceRecord, type RawPlace, type Refusal } from './record.js'

export interface ImportOptions {
  /** Datum of coordinates in rows without a datum column of their own (default WGS-84). */
  readonly datum?: Datum
  /** Refuse the whole file on any bad row (default: keep the good rows, report the bad). */
  readonly strict?: boolean
  /** Add to / update the existing catalogue by id instead of replacing it. */
  readonly merge?: boolean
  /** Provenance stored with rows that carry no `source` column (default: the file name). */
  readonly source?: string
}

export interface ImportReport {
  readonly file: string
  readonly encoding: TextEncoding | 'json'
  readonly accepted: number
  readonly refused: readonly Refusal[]
  /** Places in the catalogue after the import. */
  readonly total: number
}

/** Reads a catalogue source file (CSV or GeoJSON) into checked records. */
export function readSource(file: string, opts: ImportOptions = {}): { records: PlaceRecord[]; refused: Refusal[]; encoding: TextEncoding } {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `cannot read ${file}: ${(err as Error).message}`, 400, { cause: err })
  }
  const { text, encoding } = decodeText(bytes)
  if (text.trim() === '') throw new AppError('IMPORT_BAD_FILE', `${file} is empty`, 400)
  const isJson = /\.(geo)?json$/i.test(extname(file)) || /^\s*\{/.test(text)
  const raw: RawPlace[] = isJson ? readGeoJson(text) : readCsv(text)
  if (raw.length === 0) throw new AppError('IMPORT_BAD_FILE', `${file} has a header but no rows`, 400)
  const { records, refused } = checkRows(raw, opts.datum ?? 'wgs84', opts.source ?? basename(file))
  return { records, refused, encoding }
}

/** Validates rows; a repeated id is refused on its later line(s). */
export function checkRows(raw: readonly RawPlace[], datum: Datum, source: string): { records: PlaceRecord[]; refused: Refusal[] } {
  const records: PlaceRecord[] = []
  const refused: Refusal[] = []
  const firstLine = new Map<string, number>()
  for (const row of raw) {
    const r = toRecord(row, datum, source)
    if (isRefusal(r)) {
      refused.push(r)
      continue
    }
    const seen = firstLine.get(r.id)
    if (seen !== undefined) {
      refused.push({ line: row.line, reason: `duplicate id ${JSON.stringify(r.id)} (first on line ${seen})` })
      continue
    }
    firstLine.set(r.id, row.line)
    records.push(r)
  }
  return { records, refused }
}

/**
 * Imports a file into an open catalogue database in one transaction: either every accepted row
 * is stored (and, unless merging, the previous catalogue replaced) or nothing changes.
 */
export function importFile(db: Db, file: string, opts: ImportOptions = {}): ImportReport {
  const { records, refused, encoding } = readSource(file, opts)
  if (opts.strict && refused.length > 0) {
    throw new AppError('IMPORT_BAD_ROW', `${file}: ${refused.length} bad row(s), nothing imported:\n${describe(refused)}`, 400)
  }
  if (records.length === 0) {
    throw new AppError('IMPORT_BAD_ROW', `${file}: no valid rows, nothing imported:\n${describe(refused)}`, 400)
  }
  writeRecords(db, records, { replace: !opts.merge })
  const total = (db.prepare('SELECT count(*) AS n FROM places').get() as { n: number }).n
  return { file, encoding: /\.(geo)?json$/i.test(file) ? 'json' : encoding, accepted: records.length, refused, total }
}

/** Stores records in one transaction; `replace` empties the catalogue first. */
export function writeRecords(db: Db, records: readonly PlaceRecord[], opts: { replace: boolean }): void {
  const upsert = db.prepare(
    `INSERT INTO places (id, name, name_zh, name_en, category, lat, lng, address, phone, url, picture_url, source)
     VALUES (:id, :name, :nameZh, :nameEn, :category, :lat, :lng, :address, :phone, :url, :pictureUrl, :source)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, name_en = excluded.name_en,
       category = excluded.category, lat = excluded.lat, lng = excluded.lng, address = excluded.address,
       phone = excluded.phone, url = excluded.url, picture_url = excluded.picture_url, source = excluded.source
     RETURNING rowid`,
  )
  const box = db.prepare(
    'INSERT OR REPLACE INTO places_rtree (place_rowid, min_lat, max_lat, min_lng, max_lng) VALUES (?, ?, ?, ?, ?)',
  )
  const meta = db.prepare('INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES (?, ?)')
  // Names are indexed by their folded keys (exact/prefix) and in the trigram index (substring).
  const dropNames = db.prepare('DELETE FROM place_names WHERE place_rowid = ?')
  const addName = db.prepare('INSERT OR IGNORE INTO place_names (key, place_rowid) VALUES (?, ?)')
  const dropText = db.prepare('DELETE FROM places_fts WHERE rowid = ?')
  const addText = db.prepare('INSERT INTO places_fts (rowid, names) VALUES (?, ?)')
  db.transaction(() => {
    if (opts.replace) {
      db.exec('DELETE FROM places; DELETE FROM places_rtree; DELETE FROM place_names; DELETE FROM places_fts;')
    }
    for (const r of records) {
      const { rowid } = upsert.get(r) as { rowid: number }
      box.run(rowid, r.lat, r.lat, r.lng, r.lng)
      const keys = nameKeys([r.name, r.nameZh, r.nameEn])
      if (!opts.replace) {
        dropNames.run(rowid)
        dropText.run(rowid)
      }
      for (const key of keys) addName.run(key, rowid)
      addText.run(rowid, searchText(keys))
    }
    const now = new Date().toISOString()
    meta.run('version', now)
    meta.run('imported_at', now)
  })()
}

export function describe(refused: readonly Refusal[], max = 20): string {
  const lines = refused.slice(0, max).map(r => `  line ${r.line}: ${r.reason}`)
  if (refused.length > max) lines.push(`  … and ${refused.length - max} more`)
  return lines.join('\n')
}
