import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { MAX_REFUSALS_KEPT, ROW_WIDTH, type RowBatch } from './read-rows.js'
import type { Refusal } from './record.js'

const PROGRESS_EVERY = 10_000
/**
 * Rows per INSERT: one statement for many rows costs a fraction of one per row (binding and the
 * call into SQLite weigh more than a row's own insert); 50 × 13 parameters stay far below SQLite's limit.
 */
const ROWS_PER_STATEMENT = 50

type Values = RowBatch['values']

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
  readonly #insertMany: Statement<unknown[]>
  readonly #addTexts: Statement<unknown[]>
  /** #insertMany's parameters (reused), and texts waiting for #addTexts (rowid, text pairs). */
  readonly #params: unknown[] = []
  readonly #texts: unknown[] = []
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
    const many = (row: string) => Array<string>(ROWS_PER_STATEMENT).fill(row).join(', ')
    const placeRow = `(${Array<string>(13).fill('?').join(', ')})`
    this.#insertMany = db.prepare(`INSERT INTO places (rowid, ${columns}) VALUES ${many(placeRow)} ON CONFLICT(id) DO NOTHING`)
    this.#addTexts = db.prepare(`INSERT INTO place_texts (rowid, names) VALUES ${many('(?, ?)')}`)
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
    const rows = v.length / ROW_WIDTH
    let r = 0
    for (; r + ROWS_PER_STATEMENT <= rows; r += ROWS_PER_STATEMENT) this.#storeMany(v, r)
    for (; r < rows; r++) this.#storeOne(v, r)
    this.#flushTexts(true)
    for (const refusal of batch.refused) if (this.#checkRefused.length < MAX_REFUSALS_KEPT) this.#checkRefused.push(refusal)
    this.#checkRefusedCount += batch.refusedCount
    const before = this.#rowsRead
    this.#rowsRead = batch.rowsRead
    if (Math.floor(this.#rowsRead / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) this.#onProgress?.(this.#rowsRead)
  }

  /**
   * Rows first … first + ROWS_PER_STATEMENT - 1 of the batch in one statement. Rows whose id is
   * taken are skipped by it (DO NOTHING); when any was, every row of the chunk is then looked at
   * in file order, so a taken id is handled exactly as storing the rows one by one would.
   */
  #storeMany(v: Values, first: number): void {
    const params = this.#params
    params.length = 0
    for (let r = first; r < first + ROWS_PER_STATEMENT; r++) {
      const at = r * ROW_WIDTH
      params.push(this.#base + (v[at] as number))
      for (let c = 1; c <= 12; c++) params.push(v[at + c]!)
    }
    if (this.#insertMany.run(params).changes === ROWS_PER_STATEMENT) {
      for (let r = first; r < first + ROWS_PER_STATEMENT; r++) this.#stored(v, r)
      return
    }
    for (let r = first; r < first + ROWS_PER_STATEMENT; r++) {
      const at = r * ROW_WIDTH
      if (this.#rowidOf.get(v[at + 1] as string)!.rowid === this.#base + (v[at] as number)) this.#stored(v, r)
      else this.#taken(v, r)
    }
  }

  #storeOne(v: Values, r: number): void {
    const at = r * ROW_WIDTH
    if (this.#insert.run(this.#base + (v[at] as number), ...(v.slice(at + 1, at + 13) as PlaceValues)).changes === 0) this.#taken(v, r)
    else this.#stored(v, r)
  }

  /** Row r's id is taken: by a row of this source (a duplicate, refused) or an older one (replaced). */
  #taken(v: Values, r: number): void {
    const at = r * ROW_WIDTH
    const line = v[at] as number
    const values = v.slice(at + 1, at + 13) as PlaceValues
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
    this.#replace.run(this.#base + line, ...values)
    this.#stored(v, r)
  }

  /** Row r is stored: count it and queue its search text. */
  #stored(v: Values, r: number): void {
    const at = r * ROW_WIDTH
    this.#accepted++
    const text = v[at + 13] as string
    if (text === '') return
    this.#texts.push(this.#base + (v[at] as number), text)
    if (this.#texts.length === ROWS_PER_STATEMENT * 2) this.#flushTexts(false)
  }

  /** Writes the queued texts: a full chunk in one statement, and with `all` the rest one by one. */
  #flushTexts(all: boolean): void {
    const t = this.#texts
    if (t.length === ROWS_PER_STATEMENT * 2) {
      this.#addTexts.run(t)
      t.length = 0
    }
    if (!all) return
    for (let k = 0; k < t.length; k += 2) this.#addText.run(t[k] as number, t[k + 1] as string)
    t.length = 0
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
