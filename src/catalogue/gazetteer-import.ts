import { readFileSync } from 'node:fs'
import { AppError } from '../errors.js'
import type { Db } from './db.js'
import { readCsvRecords } from './csv-records.js'
import { toUtf8 } from './decode.js'
import { LAYOUTS, shortNames, type GazetteerRecord, type Row } from './gazetteer-sources.js'
import { nameKeys, searchText } from './name-search.js'
import type { Refusal } from './record.js'

export interface GazetteerFileReport {
  readonly file: string
  readonly layout: string
  readonly accepted: number
  readonly refused: readonly Refusal[]
}

export interface GazetteerImportReport {
  readonly files: readonly GazetteerFileReport[]
  /** Entries in the gazetteer after the import. */
  readonly total: number
}

/** Reads one gazetteer source file (any layout in gazetteer-sources.ts) into records. */
export function readGazetteerFile(file: string): { layout: string; records: GazetteerRecord[]; refused: Refusal[] } {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `cannot read ${file}: ${(err as Error).message}`, 400, { cause: err })
  }
  const rows: { record: Row; line: number }[] = []
  let header: string[] | undefined
  try {
    // The same CSV reading as the catalogue's (csv-records.ts), cells trimmed, blank rows skipped.
    readCsvRecords(toUtf8(bytes).bytes, (cells, line) => {
      if (!header) {
        header = cells.map(c => c.trim())
        return
      }
      if (cells.every(c => c.trim() === '')) return
      const record: Record<string, string> = {}
      header.forEach((name, i) => {
        if (cells[i] !== undefined) record[name] = cells[i]!.trim()
      })
      rows.push({ record, line })
    })
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `${file}: ${(err as Error).message}`, 400, { cause: err })
  }
  if (!header || rows.length === 0) throw new AppError('IMPORT_BAD_FILE', `${file} has no rows`, 400)
  const columns = new Set(header)
  const layout = LAYOUTS.find(l => l.matches(columns))
  if (!layout) {
    throw new AppError(
      'IMPORT_BAD_FILE',
      `${file}: unknown gazetteer layout (columns: ${[...columns].join(', ')}); expected one of: ${LAYOUTS.map(l => l.name).join(', ')}`,
      400,
    )
  }
  const records: GazetteerRecord[] = []
  const refused: Refusal[] = []
  const seen = new Set<string>()
  for (const { record: row, line } of rows) {
    const r = layout.map(row)
    if ('reason' in r) refused.push({ line, reason: r.reason })
    else if (seen.has(r.id)) refused.push({ line, reason: `duplicate id ${JSON.stringify(r.id)}` })
    else {
      seen.add(r.id)
      records.push(r)
    }
  }
  return { layout: layout.name, records, refused }
}

/**
 * Imports gazetteer files in one transaction: all of them or nothing. Unless `merge`, the
 * gazetteer is emptied first; with it, entries are added or replaced by id.
 */
export function importGazetteer(db: Db, files: readonly string[], opts: { merge?: boolean } = {}): GazetteerImportReport {
  const read = files.map(file => ({ file, ...readGazetteerFile(file) }))
  const upsert = db.prepare(
    `INSERT INTO gazetteer (id, name, other_names, kind, detail, lat, lng, prominence, source)
     VALUES (:id, :name, :otherNames, :kind, :detail, :lat, :lng, :prominence, :source)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, other_names = excluded.other_names, kind = excluded.kind,
       detail = excluded.detail, lat = excluded.lat, lng = excluded.lng, prominence = excluded.prominence, source = excluded.source
     RETURNING rowid`,
  )
  const dropNames = db.prepare('DELETE FROM gazetteer_names WHERE entry_rowid = ?')
  const addName = db.prepare('INSERT OR IGNORE INTO gazetteer_names (key, entry_rowid, derived) VALUES (?, ?, ?)')
  const dropText = db.prepare('DELETE FROM gazetteer_fts WHERE rowid = ?')
  const addText = db.prepare('INSERT INTO gazetteer_fts (rowid, names) VALUES (?, ?)')
  const meta = db.prepare('INSERT OR REPLACE INTO gazetteer_meta (key, value) VALUES (?, ?)')
  db.transaction(() => {
    if (!opts.merge) db.exec('DELETE FROM gazetteer; DELETE FROM gazetteer_names; DELETE FROM gazetteer_fts;')
    for (const { records } of read) {
      for (const r of records) {
        const { rowid } = upsert.get({ ...r, otherNames: r.otherNames.join('|') }) as { rowid: number }
        dropNames.run(rowid)
        dropText.run(rowid)
        const keys = nameKeys([r.name, ...r.otherNames])
        for (const key of keys) addName.run(key, rowid, 0)
        for (const key of nameKeys(shortNames(r))) addName.run(key, rowid, 1)
        addText.run(rowid, searchText(keys))
      }
    }
    meta.run('imported_at', new Date().toISOString())
  })()
  const total = (db.prepare('SELECT count(*) AS n FROM gazetteer').get() as { n: number }).n
  return { files: read.map(({ file, layout, records, refused }) => ({ file, layout, accepted: records.length, refused })), total }
}
