import { nameKeys, searchText } from './name-search.js'
import { toUtf8, type TextEncoding } from './decode.js'
import { readCsv, readCsvAsync } from './read-csv.js'
import { readGeoJson } from './read-geojson.js'
import { isRefusal, toRecord, type RawPlace, type RowDefaults } from './record.js'

/**
 * A source's bytes → checked rows with their folded name keys, in batches: everything of an
 * import that needs no database. It runs in a worker thread beside the database writes (see
 * read-in-worker.ts), or in the importing thread itself; either way the writer receives the same
 * batches, so the checks and the folding exist once.
 */

/** Values per accepted row in RowBatch.values (see ROW_LAYOUT). */
export const ROW_WIDTH = 14
/**
 * line, then the twelve stored values in the order PlaceWriter inserts them, then the row's
 * search text (its folded name keys as name-search.ts frames them; '' when it has none).
 */
export const ROW_LAYOUT = [
  'line', 'id', 'name', 'nameZh', 'nameEn', 'category', 'lat', 'lng', 'address', 'phone', 'url', 'pictureUrl', 'source', 'text',
] as const

/** Refusals kept with their line and reason; beyond this only the count grows (memory stays flat). */
export const MAX_REFUSALS_KEPT = 1000
/** Accepted rows per batch. */
const BATCH_ROWS = 2000

export interface RowBatch {
  /** ROW_WIDTH values per accepted row, in file order. */
  readonly values: (string | number | null)[]
  /** Rows refused by their own checks, in file order (listed only while fewer than MAX_REFUSALS_KEPT were). */
  readonly refused: { line: number; reason: string }[]
  /** Rows of this batch refused by their own checks, listed or not. */
  readonly refusedCount: number
  /** Rows read so far in this source (accepted, refused and empty ones skipped aside). */
  readonly rowsRead: number
}

export interface SourceInput {
  /** File path or URL: decides GeoJSON by its ending. */
  readonly name: string
  readonly bytes: Buffer
  readonly defaults: RowDefaults
}

export interface ReadSummary {
  readonly encoding: TextEncoding | 'json'
  /** The file had no id column: ids were derived from name and coordinates. */
  readonly generatedIds: boolean
}

/**
 * Reads a source, handing batches of checked rows to `onBatch` as they fill (the last one when
 * the source ends). Throws IMPORT_BAD_FILE for a file that cannot be read as a whole.
 */
export function readRows(input: SourceInput, onBatch: (batch: RowBatch) => void): ReadSummary {
  const { bytes, encoding } = toUtf8(input.bytes)
  const batcher = new Batcher(input.defaults, onBatch)
  if (isGeoJson(input.name, bytes)) {
    for (const row of readGeoJson(bytes.toString('utf8'))) batcher.add(row)
    batcher.flush()
    return { encoding: 'json', generatedIds: false }
  }
  const layout = readCsv(bytes, row => batcher.add(row))
  batcher.flush()
  return { encoding, generatedIds: layout.generatedIds }
}

/** The same as readRows, with turns of the event loop while the CSV is parsed (see readCsvAsync). */
export async function readRowsInTurns(input: SourceInput, onBatch: (batch: RowBatch) => void): Promise<ReadSummary> {
  const { bytes, encoding } = toUtf8(input.bytes)
  if (isGeoJson(input.name, bytes)) return readRows(input, onBatch)
  const batcher = new Batcher(input.defaults, onBatch)
  const layout = await readCsvAsync(bytes, row => batcher.add(row))
  batcher.flush()
  return { encoding, generatedIds: layout.generatedIds }
}

class Batcher {
  #values: (string | number | null)[] = []
  #refused: { line: number; reason: string }[] = []
  #refusedCount = 0
  #refusedSent = 0
  #rowsRead = 0

  constructor(
    private readonly defaults: RowDefaults,
    private readonly onBatch: (batch: RowBatch) => void,
  ) {}

  add(raw: RawPlace): void {
    this.#rowsRead++
    const r = toRecord(raw, this.defaults)
    if (isRefusal(r)) {
      this.#refusedCount++
      if (this.#refusedSent + this.#refused.length < MAX_REFUSALS_KEPT) this.#refused.push(r)
    } else {
      const keys = nameKeys([r.name, r.nameZh, r.nameEn])
      const text = keys.length > 0 ? searchText(keys) : ''
      this.#values.push(raw.line, r.id, r.name, r.nameZh, r.nameEn, r.category, r.lat, r.lng, r.address, r.phone, r.url, r.pictureUrl, r.source, text)
      if (this.#values.length >= BATCH_ROWS * ROW_WIDTH) this.flush()
    }
  }

  flush(): void {
    const batch: RowBatch = { values: this.#values, refused: this.#refused, refusedCount: this.#refusedCount, rowsRead: this.#rowsRead }
    this.#refusedSent += this.#refused.length
    this.#values = []
    this.#refused = []
    this.#refusedCount = 0
    this.onBatch(batch)
  }
}

/** GeoJSON by name, or by content (a URL need not end in .geojson). */
function isGeoJson(name: string, utf8: Buffer): boolean {
  if (/\.(geo)?json$/i.test(name.replace(/[?#].*$/, ''))) return true
  const first = utf8.subarray(0, 256).toString('utf8').trimStart()[0]
  return first === '{'
}
