import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { isRefusal, toRecord, type RawPlace, type Refusal, type RowDefaults } from './record.js'

/** Refusals kept with their line and reason; beyond this only the count grows (memory stays flat). */
const MAX_REFUSALS_KEPT = 1000
const PROGRESS_EVERY = 10_000

type PlaceValues = [string, string, string | null, string | null, string, number, number, string | null, string | null, string | null, string | null, string]

export interface WriterOptions {
  readonly defaults: RowDefaults
  /** Told the number of rows read so far in the current source, every PROGRESS_EVERY rows. */
  readonly onProgress?: (rows: number) => void
}

/**
 * Checks raw rows one at a time and stores the good ones; the caller owns the transaction and
 * fills the R*Tree once at the end (rebuildBoxes: far faster than row by row).
 *
 * Duplicate ids are found by the table's own unique index, not by an in-memory set (a million
 * ids would cost some 150 MB): each row of a source is stored under rowid = base + its line
 * number, so when an id is already taken, the taken rowid tells whether it came from this
 * source (a duplicate, refused, and which line had it first) or from an earlier source or the
 * catalogue being merged into (updated, and re-keyed so a second copy in this source is caught).
 */
export class PlaceWriter {
  // Positional parameters: binding twelve named ones per row cost more than the insert itself.
  readonly #insert: Statement<[number, ...PlaceValues]>
  readonly #rowidOf: Statement<[string], { rowid: number }>
  readonly #replace: Statement<[number, ...PlaceValues]>
  readonly #maxRowid: Statement<[], { n: number | null }>
  readonly #onProgress: ((rows: number) => void) | undefined
  #defaults: RowDefaults
  #base = 0
  #rows = 0
  #accepted = 0
  #refusedCount = 0
  readonly #refused: Refusal[] = []

  constructor(db: Db, opts: WriterOptions) {
    this.#defaults = opts.defaults
    this.#onProgress = opts.onProgress
    const columns = 'id, name, name_zh, name_en, category, lat, lng, address, phone, url, picture_url, source'
    this.#insert = db.prepare(`INSERT INTO places (rowid, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`)
    this.#rowidOf = db.prepare('SELECT rowid FROM places WHERE id = ?')
    this.#replace = db.prepare(`REPLACE INTO places (rowid, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.#maxRowid = db.prepare('SELECT max(rowid) AS n FROM places')
    this.nextSource(opts.defaults)
  }

  /** Starts the next source: counts restart, and duplicate ids are looked for within one source. */
  nextSource(defaults: RowDefaults): void {
    this.#defaults = defaults
    this.#base = this.#maxRowid.get()?.n ?? 0
    this.#rows = 0
    this.#accepted = 0
    this.#refusedCount = 0
    this.#refused.length = 0
  }

  add(raw: RawPlace): void {
    if (++this.#rows % PROGRESS_EVERY === 0) this.#onProgress?.(this.#rows)
    const r = toRecord(raw, this.#defaults)
    if (isRefusal(r)) return this.#refuse(r)
    const rowid = this.#base + raw.line
    const values: PlaceValues = [r.id, r.name, r.nameZh, r.nameEn, r.category, r.lat, r.lng, r.address, r.phone, r.url, r.pictureUrl, r.source]
    if (this.#insert.run(rowid, ...values).changes === 0) {
      const taken = this.#rowidOf.get(r.id)!.rowid
      if (taken > this.#base) {
        return this.#refuse({ line: raw.line, reason: `duplicate id ${JSON.stringify(r.id)} (first on line ${taken - this.#base})` })
      }
      // REPLACE deletes the older row (same id) and stores this one under this source's rowid.
      this.#replace.run(rowid, ...values)
    }
    this.#accepted++
  }

  #refuse(r: Refusal): void {
    this.#refusedCount++
    if (this.#refused.length < MAX_REFUSALS_KEPT) this.#refused.push(r)
  }

  get accepted(): number {
    return this.#accepted
  }

  /** The refused rows in file order (the first MAX_REFUSALS_KEPT of them). */
  get refused(): readonly Refusal[] {
    return [...this.#refused]
  }

  get refusedCount(): number {
    return this.#refusedCount
  }
}

const BOX_SQL = `INSERT INTO places_rtree (place_rowid, min_lat, max_lat, min_lng, max_lng)
  SELECT rowid, lat, lat, lng, lng FROM places`

/** Fills the R*Tree from the places table in one statement (after a bulk load). */
export function rebuildBoxes(db: Db): void {
  db.exec(`DELETE FROM places_rtree; ${BOX_SQL};`)
}

/** Rows indexed between two turns of the event loop (R*Tree inserts are the slow part of a build). */
const BOXES_PER_TURN = 2000

/** The same as rebuildBoxes, in rowid ranges with a turn of the event loop between them. */
export async function rebuildBoxesAsync(db: Db, nextTurn: () => Promise<unknown>): Promise<void> {
  db.exec('DELETE FROM places_rtree')
  const upTo = db.prepare(`SELECT rowid AS n FROM places WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${BOXES_PER_TURN - 1}`)
  const range = db.prepare(`${BOX_SQL} WHERE rowid > ? AND rowid <= ?`)
  for (let after = 0; ; ) {
    const end = (upTo.get(after) as { n: number } | undefined)?.n
    range.run(after, end ?? Number.MAX_SAFE_INTEGER)
    if (end === undefined) return
    after = end
    await nextTurn()
  }
}
