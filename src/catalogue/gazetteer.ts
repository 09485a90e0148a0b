import type { Statement } from 'better-sqlite3'
import { openDb, type Db, type OpenOptions } from './db.js'
import { GAZETTEER_DB, type GazetteerKind } from './gazetteer-schema.js'
import { containsPlan, prefixEnd } from './name-search.js'

/** One gazetteer entry as lookups return it. */
export interface GazetteerRow {
  readonly id: string
  readonly name: string
  /** Other names, `|`-separated (English, old, Traditional …). */
  readonly otherNames: string
  readonly kind: GazetteerKind
  /** A finer kind shown to users, e.g. `metro` for a metro station. */
  readonly detail: string | null
  readonly lat: number
  readonly lng: number
  readonly prominence: number
  readonly source: string
  /** The key matched a shortened form of the name (黄浦 for 黄浦区), not the name itself. */
  readonly derived: boolean
}

export interface GazetteerStats {
  readonly entries: number
  readonly importedAt: string | null
}

const COLUMNS = `g.id, g.name, g.other_names AS otherNames, g.kind, g.detail, g.lat, g.lng, g.prominence, g.source`
// The most prominent first, then the shorter name (the closer match), then file order.
const BEST_FIRST = 'ORDER BY g.prominence DESC, length(g.name), g.rowid'

type RawRow = Omit<GazetteerRow, 'derived'> & { derived: number }

/**
 * Read access to a gazetteer file, statements prepared once. Each lookup is an index seek (exact,
 * prefix), a trigram query, or for two-character names a scan of the names column; all stay
 * well under a millisecond at city scale.
 */
export class Gazetteer {
  readonly #db: Db
  readonly #named: Statement<[string], RawRow>
  readonly #namedFrom: Statement<[string, string, number], RawRow>
  readonly #namedFts: Statement<[string, number], RawRow>
  readonly #namedScan: Statement<[string, number], RawRow>
  readonly #namedBoth: Statement<[string, string, number], RawRow>
  readonly #count: Statement<[], { n: number }>
  readonly #meta: Statement<[string], { value: string }>

  constructor(
    readonly file: string,
    opts: OpenOptions = {},
  ) {
    this.#db = openDb(file, opts, GAZETTEER_DB)
    const byName = `FROM gazetteer_names n JOIN gazetteer g ON g.rowid = n.entry_rowid`
    this.#named = this.#db.prepare(`SELECT ${COLUMNS}, min(n.derived) AS derived ${byName} WHERE n.key = ? GROUP BY g.rowid ${BEST_FIRST}`)
    this.#namedFrom = this.#db.prepare(
      `SELECT ${COLUMNS}, 0 AS derived ${byName} WHERE n.key >= ? AND n.key < ? AND n.derived = 0 GROUP BY g.rowid ${BEST_FIRST} LIMIT ?`,
    )
    const byText = `SELECT ${COLUMNS}, 0 AS derived FROM gazetteer_fts f JOIN gazetteer g ON g.rowid = f.rowid`
    this.#namedFts = this.#db.prepare(`${byText} WHERE gazetteer_fts MATCH ? ${BEST_FIRST} LIMIT ?`)
    this.#namedScan = this.#db.prepare(`${byText} WHERE instr(f.names, ?) > 0 ${BEST_FIRST} LIMIT ?`)
    this.#namedBoth = this.#db.prepare(`${byText} WHERE instr(f.names, ?) > 0 AND instr(f.names, ?) > 0 ${BEST_FIRST} LIMIT ?`)
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM gazetteer')
    this.#meta = this.#db.prepare('SELECT value FROM gazetteer_meta WHERE key = ?')
  }

  /** The underlying connection, for the importer. */
  get db(): Db {
    return this.#db
  }

  /** Entries one of whose folded names (or shortened names) equals `key`, most prominent first. */
  named(key: string): GazetteerRow[] {
    return key ? this.#named.all(key).map(toRow) : []
  }

  /** Entries with a folded name starting with `key`, most prominent first. */
  namedStartingWith(key: string, limit: number): GazetteerRow[] {
    return key ? this.#namedFrom.all(key, prefixEnd(key), limit).map(toRow) : []
  }

  /** Entries with a folded name containing `key` (see containsPlan), most prominent first. */
  namedContaining(key: string, limit: number): GazetteerRow[] {
    const plan = containsPlan(key)
    if (plan.kind === 'fts') return this.#namedFts.all(plan.phrase, limit).map(toRow)
    if (plan.kind === 'scan') return this.#namedScan.all(plan.needle, limit).map(toRow)
    return []
  }

  /** Entries with names containing both `a` and `b` (candidates for an abbreviation: 浦东机场). */
  namedContainingBoth(a: string, b: string, limit: number): GazetteerRow[] {
    return a && b ? this.#namedBoth.all(a, b, limit).map(toRow) : []
  }

  stats(): GazetteerStats {
    return { entries: this.#count.get()?.n ?? 0, importedAt: this.#meta.get('imported_at')?.value ?? null }
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

function toRow(r: RawRow): GazetteerRow {
  return { ...r, derived: r.derived === 1 }
}
