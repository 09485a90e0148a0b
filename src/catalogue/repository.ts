import type { Statement } from 'better-sqlite3'
import { openDb, type Db, type OpenOptions } from './db.js'
import { containsPlan, prefixEnd } from './name-search.js'
import { IndexReader, PointIndex, type PositionRow } from './point-index.js'

export type { PositionRow } from './point-index.js'

/** A row as the rest of the server sees it: our names, exact WGS-84 coordinates. */
export interface PlaceRow {
  readonly id: string
  readonly name: string
  readonly nameZh: string | null
  readonly nameEn: string | null
  readonly category: string
  readonly lat: number
  readonly lng: number
  readonly address: string | null
  readonly phone: string | null
  readonly url: string | null
  readonly pictureUrl: string | null
}

/** What a name lookup returns: enough to place and label a match, not the whole row. */
export interface PlaceNameRow {
  readonly id: string
  readonly name: string
  readonly category: string
  readonly lat: number
  readonly lng: number
}

/** A place's key (rowid), id and exact position: what ranking by distance needs, and no more. */
export interface PointRow {
  readonly key: number
  readonly id: string
  readonly lat: number
  readonly lng: number
}

export interface BoxQuery {
  readonly minLat: number
  readonly maxLat: number
  readonly minLng: number
  readonly maxLng: number
}

export interface CatalogueStats {
  readonly places: number
  readonly version: string | null
  readonly importedAt: string | null
}

const PLACE_COLUMNS = `p.id, p.name, p.name_zh AS nameZh, p.name_en AS nameEn, p.category, p.lat, p.lng,
  p.address, p.phone, p.url, p.picture_url AS pictureUrl`

const NAME_COLUMNS = 'p.id, p.name, p.category, p.lat, p.lng'

/**
 * Places kept in memory by key after their first fetch. A catalogue connection sees one
 * version of the file (a refresh opens a new one), so nothing here goes stale; at ~300 bytes a
 * place this is some 15 MB at most, and all of a city-sized catalogue.
 */
const MAX_CACHED_PLACES = 50_000
/** Address space only; pages are read from the OS file cache as touched. */
const MMAP_BYTES = 1 << 30
/**
 * Catalogues up to this size keep every position in memory for ranking (about 25 bytes a
 * place: 125 MB here); larger ones are ranked from the R*Tree.
 */
export const MAX_INDEXED_PLACES = 5_000_000
/** Rows read per turn of the event loop by warmInBackground (some 20–40 ms). */
const BACKGROUND_SLICE_ROWS = 10_000
/** Up to this many keys are looked up with a statement of their own length (one per length). */
const MAX_KEY_PARAMS = 64

type PointTuple = [key: number, id: string, lat: number, lng: number]
type PlaceTuple = [key: number, ...PlaceFields]
type PlaceFields = [
  id: string, name: string, nameZh: string | null, nameEn: string | null, category: string, lat: number, lng: number,
  address: string | null, phone: string | null, url: string | null, pictureUrl: string | null,
]

/**
 * Read access to one catalogue file. Statements are prepared once here and reused for every
 * request; better-sqlite3 is synchronous, so each query must stay in the low milliseconds.
 */
export class Catalogue {
  readonly #db: Db
  readonly #inBox: Statement<BoxQuery, PlaceRow>
  readonly #inBoxOf: Statement<BoxQuery & { categories: string }, PlaceRow>
  readonly #pointsInBox: Statement<BoxQuery & { max: number }, PointTuple>
  readonly #pointsInBoxOf: Statement<BoxQuery & { max: number; categories: string }, PointTuple>
  readonly #byKeys: Statement<[string], PlaceTuple>
  /** `rowid IN (?, …, ?)` by the number of keys, prepared on first use (see placesByKey). */
  readonly #byKeyList = new Map<number, Statement<number[], PlaceTuple>>()
  readonly #cached = new Map<number, PlaceRow>()
  readonly #byId: Statement<[string], PlaceRow>
  readonly #count: Statement<[], { n: number }>
  readonly #meta: Statement<[string], { value: string }>
  readonly #named: Statement<[string], PlaceNameRow>
  readonly #namedFrom: Statement<[string, string, number], PlaceNameRow>
  readonly #namedFts: Statement<[string, number], PlaceNameRow>
  readonly #namedScan: Statement<[string, number], PlaceNameRow>
  /** Built on first use (or by warm()); null when the catalogue is too large for it. */
  #index: PointIndex | null | undefined
  /** A build under way between requests (warmInBackground); queries use the R*Tree meanwhile. */
  #building: Promise<void> | undefined

  constructor(readonly file: string, opts: OpenOptions = {}) {
    this.#db = openDb(file, opts)
    // Reads straight from the mapped file instead of a read() into SQLite's page cache per page:
    // about a fifth off a nearest-places query at 1M places. The file is never truncated under
    // a reader (imports rewrite rows; a refresh writes a new file and swaps).
    this.#db.pragma(`mmap_size = ${MMAP_BYTES}`)
    this.#inBox = this.#db.prepare(
      `SELECT ${PLACE_COLUMNS} FROM places_rtree r JOIN places p ON p.rowid = r.place_rowid
       WHERE r.min_lat <= :maxLat AND r.max_lat >= :minLat AND r.min_lng <= :maxLng AND r.max_lng >= :minLng`,
    )
    // Filtering in SQL matters for rare kinds (a dozen hotels among thousands of places): turning
    // every row of a wide box into a JS object is what costs, not finding it.
    this.#inBoxOf = this.#db.prepare(
      `SELECT ${PLACE_COLUMNS} FROM places_rtree r JOIN places p ON p.rowid = r.place_rowid
       WHERE r.min_lat <= :maxLat AND r.max_lat >= :minLat AND r.min_lng <= :maxLng AND r.max_lng >= :minLng
         AND p.category IN (SELECT value FROM json_each(:categories))`,
    )
    // Rows as arrays: better-sqlite3 builds an object per row key by key, which cost about as
    // much as the query itself; plain literals built here are nearly free.
    this.#pointsInBox = this.#db
      .prepare<BoxQuery & { max: number }, PointTuple>(
        `SELECT p.rowid, p.id, p.lat, p.lng FROM places_rtree r JOIN places p ON p.rowid = r.place_rowid
         WHERE r.min_lat <= :maxLat AND r.max_lat >= :minLat AND r.min_lng <= :maxLng AND r.max_lng >= :minLng
         LIMIT :max`,
      )
      .raw(true)
    this.#pointsInBoxOf = this.#db
      .prepare<BoxQuery & { max: number; categories: string }, PointTuple>(
        `SELECT p.rowid, p.id, p.lat, p.lng FROM places_rtree r JOIN places p ON p.rowid = r.place_rowid
         WHERE r.min_lat <= :maxLat AND r.max_lat >= :minLat AND r.min_lng <= :maxLng AND r.max_lng >= :minLng
           AND p.category IN (SELECT value FROM json_each(:categories))
         LIMIT :max`,
      )
      .raw(true)
    // One statement for all the keys: cheaper than one lookup per key.
    this.#byKeys = this.#db
      .prepare<[string], PlaceTuple>(
        `SELECT p.rowid, ${PLACE_COLUMNS} FROM places p WHERE p.rowid IN (SELECT value FROM json_each(?))`,
      )
      .raw(true)
    this.#byId = this.#db.prepare(`SELECT ${PLACE_COLUMNS} FROM places p WHERE p.id = ?`)
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM places')
    this.#meta = this.#db.prepare('SELECT value FROM catalogue_meta WHERE key = ?')
    const byName = `SELECT ${NAME_COLUMNS} FROM place_names n JOIN places p ON p.rowid = n.place_rowid`
    this.#named = this.#db.prepare(`${byName} WHERE n.key = ? ORDER BY p.rowid`)
    this.#namedFrom = this.#db.prepare(`${byName} WHERE n.key >= ? AND n.key < ? GROUP BY p.rowid ORDER BY min(n.key), p.rowid LIMIT ?`)
    const byText = `SELECT ${NAME_COLUMNS} FROM places_fts f JOIN places p ON p.rowid = f.rowid`
    this.#namedFts = this.#db.prepare(`${byText} WHERE places_fts MATCH ? ORDER BY f.rowid LIMIT ?`)
    this.#namedScan = this.#db.prepare(`${byText} WHERE instr(f.names, ?) > 0 ORDER BY f.rowid LIMIT ?`)
  }

  /** The underlying connection, for the importer and maintenance scripts. */
  get db(): Db {
    return this.#db
  }

  inBox(box: BoxQuery): PlaceRow[] {
    return this.#inBox.all(box)
  }

  /** Places of the given categories inside the rectangle (any order). */
  inBoxOfCategories(box: BoxQuery, categories: readonly string[]): PlaceRow[] {
    const { minLat, maxLat, minLng, maxLng } = box
    return this.#inBoxOf.all({ minLat, maxLat, minLng, maxLng, categories: JSON.stringify(categories) })
  }

  /**
   * Positions only, for ranking; the details of the few winners come from `placesByKey`.
   * Reading every column of every candidate cost several times more than reading these four.
   * At most `max` rows (any order; negative for all).
   */
  pointsInBox(box: BoxQuery, max = -1, categories?: readonly string[]): PointRow[] {
    const { minLat, maxLat, minLng, maxLng } = box
    const rows = categories
      ? this.#pointsInBoxOf.all({ minLat, maxLat, minLng, maxLng, max, categories: JSON.stringify(categories) })
      : this.#pointsInBox.all({ minLat, maxLat, minLng, maxLng, max })
    return rows.map(([key, id, lat, lng]) => ({ key, id, lat, lng }))
  }

  /**
   * Positions only, without ids, for ranking: from the in-memory index (built on first use),
   * or from the R*Tree when the catalogue is too large for it. Same contract as `pointsInBox`.
   */
  positionsInBox(box: BoxQuery, max = -1, categories?: readonly string[]): PositionRow[] {
    const index = this.#index === undefined && !this.#building ? this.warm() : this.#index
    if (index) return index.inBox(box, max, categories)
    return this.pointsInBox(box, max, categories).map(({ key, lat, lng }) => ({ key, lat, lng }))
  }

  /**
   * Builds the in-memory position index now, instead of on the first query: a few seconds at
   * 1M places, most of it reading the table.
   */
  warm(): PointIndex | null {
    if (this.#index !== undefined) return this.#index
    const places = this.#count.get()?.n ?? 0
    this.#index = places <= MAX_INDEXED_PLACES ? PointIndex.fromDb(this.#db, places) : null
    return this.#index
  }

  /**
   * Builds the index a slice of rows per turn of the event loop, so that a server swapping in a
   * refreshed catalogue keeps answering (from the R*Tree) while it is read; only arranging the
   * points read into the tree is done in one go. Resolves when the index is in use.
   */
  warmInBackground(rowsPerSlice = BACKGROUND_SLICE_ROWS): Promise<void> {
    if (this.#index !== undefined) return Promise.resolve()
    this.#building ??= (async () => {
      try {
        const places = this.#count.get()?.n ?? 0
        if (places > MAX_INDEXED_PLACES) {
          this.#index = null
          return
        }
        const reader = new IndexReader(this.#db, places)
        while (reader.readSome(rowsPerSlice)) {
          await new Promise(resolve => setImmediate(resolve))
          // Closed meanwhile (replaced again, or the server stopping): nothing left to index.
          if (!this.#db.open) return
        }
        this.#index = reader.finish()
      } finally {
        this.#building = undefined
      }
    })()
    return this.#building
  }

  /** True once the position index is built (or known to be too large to build). */
  get warmed(): boolean {
    return this.#index !== undefined
  }

  /** Places by the keys `pointsInBox` returned, in the same order (a key no longer there is skipped). */
  placesByKey(keys: readonly number[]): PlaceRow[] {
    const missing = keys.filter(k => !this.#cached.has(k))
    if (missing.length > 0) {
      // A list of parameters costs a fifth less than one JSON text read with json_each.
      const rows = missing.length <= MAX_KEY_PARAMS ? this.#byKeyListOf(missing.length).all(...missing) : this.#byKeys.all(JSON.stringify(missing))
      for (const [key, id, name, nameZh, nameEn, category, lat, lng, address, phone, url, pictureUrl] of rows) {
        // Oldest first out: Map keeps insertion order.
        if (this.#cached.size >= MAX_CACHED_PLACES) this.#cached.delete(this.#cached.keys().next().value!)
        this.#cached.set(key, { id, name, nameZh, nameEn, category, lat, lng, address, phone, url, pictureUrl })
      }
    }
    const rows: PlaceRow[] = []
    for (const key of keys) {
      const row = this.#cached.get(key)
      if (row) rows.push(row)
    }
    return rows
  }

  #byKeyListOf(n: number): Statement<number[], PlaceTuple> {
    let statement = this.#byKeyList.get(n)
    if (!statement) {
      const list = Array.from({ length: n }, () => '?').join(', ')
      statement = this.#db.prepare<number[], PlaceTuple>(`SELECT p.rowid, ${PLACE_COLUMNS} FROM places p WHERE p.rowid IN (${list})`).raw(true)
      this.#byKeyList.set(n, statement)
    }
    return statement
  }

  byId(id: string): PlaceRow | undefined {
    return this.#byId.get(id)
  }

  /** Places one of whose folded names equals `key` (see src/text/fold.ts). */
  placesNamed(key: string): PlaceNameRow[] {
    return key ? this.#named.all(key) : []
  }

  /** Places with a folded name starting with `key`, in key order. */
  placesNamedStartingWith(key: string, limit: number): PlaceNameRow[] {
    return key ? this.#namedFrom.all(key, prefixEnd(key), limit) : []
  }

  /** Places with a folded name containing `key` (see containsPlan for what "containing" means). */
  placesNamedContaining(key: string, limit: number): PlaceNameRow[] {
    const plan = containsPlan(key)
    if (plan.kind === 'fts') return this.#namedFts.all(plan.phrase, limit)
    if (plan.kind === 'scan') return this.#namedScan.all(plan.needle, limit)
    return []
  }

  stats(): CatalogueStats {
    return {
      places: this.#count.get()?.n ?? 0,
      version: this.#meta.get('version')?.value ?? null,
      importedAt: this.#meta.get('imported_at')?.value ?? null,
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}
