import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { MAX_REFUSALS_KEPT, ROW_WIDTH, type RowBatch } from './read-rows.js'
import type { Refusal } from './record.js'

const PROGRESS_EVERY = 10_000

type PlaceValues = [string, string, string | null, string | null, string, number, number, string | null, string | null, string | null, string | null, string]

export interface WriterOptions {
  /** Told the number of rows read so far in the current source, every PROGRESS_EVERY rows or so. */
  readonly onProgress?: (rows: number) => void
}

/**
 * Stores batches of checked rows (read-rows.ts): the place and its search text (`place_texts`,
 * its folded names). The caller owns the transaction and, once every source is in, derives the
 * name table, the R*Tree and the FTS index from these (see finishCatalogue): far faster than
 * keeping them up to date row by row.
 *
 * Duplicate ids are found by the table's own unique index, not by an in-memory set (a million
 * ids would cost some 150 MB): each row of a source is stored under rowid = base + its line
 * number, so when an id is already taken, the taken rowid tells whether it came from this
 * source (a duplicate, refused, and which line had it first) or from an earlier source or the
 * catalogue being merged into (replaced, and re-keyed so a second copy in this source is caught).
 */
export class PlaceWriter {
  // Positional parameters: binding twelve named ones per row cost more than the insert itself.
  readonly #insert: Statement<[number, ...PlaceValues]>
  readonly #rowidOf: Statement<[string], { rowid: number }>
  readonly #replace: Statement<[number, ...PlaceValues]>
  readonly #addText: Statement<[number, string]>
  readonly #dropText: Statement<[number]>
  readonly #maxRowid: Statement<[], { n: number | null }>
  readonly #onProgress: ((rows: number) => void) | undefined
  /** Rowids up to this one were in the database before the first source (a merge's starting point). */
  readonly copiedUpTo: number
  #base = 0
  #rowsRead = 0
  #accepted = 0
  #checkRefused: Refusal[] = []
  #checkRefusedCount = 0
  #duplicates: Refusal[] = []
  #duplicateCount = 0

  constructor(db: Db, opts: WriterOptions = {}) {
    this.#onProgress = opts.onProgress
    const columns = 'id, name, name_zh, name_en, category, lat, lng, address, phone, url, picture_url, source'
    this.#insert = db.prepare(`INSERT INTO places (rowid, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`)
    this.#rowidOf = db.prepare('SELECT rowid FROM places WHERE id = ?')
    this.#replace = db.prepare(`REPLACE INTO places (rowid, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.#addText = db.prepare('INSERT INTO place_texts (rowid, names) VALUES (?, ?)')
    this.#dropText = db.prepare('DELETE FROM place_texts WHERE rowid = ?')
    this.#maxRowid = db.prepare('SELECT max(rowid) AS n FROM places')
    this.copiedUpTo = this.#maxRowid.get()?.n ?? 0
    this.nextSource()
  }

  /** Starts the next source: counts restart, and duplicate ids are looked for within one source. */
  nextSource(): void {
    this.#base = this.#maxRowid.get()?.n ?? 0
    this.#rowsRead = 0
    this.#accepted = 0
    this.#checkRefused = []
    this.#checkRefusedCount = 0
    this.#duplicates = []
    this.#duplicateCount = 0
  }

  add(batch: RowBatch): void {
    const v = batch.values
    for (let i = 0; i < v.length; i += ROW_WIDTH) {
      const line = v[i] as number
      const values = v.slice(i + 1, i + 13) as PlaceValues
      this.#store(line, values, v[i + 13] as string)
    }
    for (const r of batch.refused) if (this.#checkRefused.length < MAX_REFUSALS_KEPT) this.#checkRefused.push(r)
    this.#checkRefusedCount += batch.refusedCount
    const before = this.#rowsRead
    this.#rowsRead = batch.rowsRead
    if (Math.floor(this.#rowsRead / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) this.#onProgress?.(this.#rowsRead)
  }

  #store(line: number, values: PlaceValues, text: string): void {
    const rowid = this.#base + line
    if (this.#insert.run(rowid, ...values).changes === 0) {
      const taken = this.#rowidOf.get(values[0])!.rowid
      if (taken > this.#base) {
        this.#duplicateCount++
        if (this.#duplicates.length < MAX_REFUSALS_KEPT) {
          this.#duplicates.push({ line, reason: `duplicate id ${JSON.stringify(values[0])} (first on line ${taken - this.#base})` })
        }
        return
      }
      // REPLACE deletes the older row (same id) and stores this one under this source's rowid.
      this.#dropText.run(taken)
      this.#replace.run(rowid, ...values)
    }
    this.#accepted++
    if (text !== '') this.#addText.run(rowid, text)
  }

  get accepted(): number {
    return this.#accepted
  }

  /** The refused rows in file order (the first MAX_REFUSALS_KEPT of them). */
  get refused(): readonly Refusal[] {
    // Each list holds the first of its kind in file order, so the first of both are among them.
    return [...this.#checkRefused, ...this.#duplicates].sort((a, b) => a.line - b.line).slice(0, MAX_REFUSALS_KEPT)
  }

  get refusedCount(): number {
    return this.#checkRefusedCount + this.#duplicateCount
  }
}
