import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { nameKeys, searchText } from './name-search.js'

/** Rows handled between two turns of the event loop in the async build. */
const NAMES_PER_TURN = 2000
const TEXTS_PER_TURN = 20_000
/** Larger: each range is sorted on its own, and fewer ranges keep the table's pages in order. */
const KEYS_PER_TURN = 100_000

/**
 * The name indexes: `place_names` (folded keys, exact and prefix lookups) and `places_fts` (the
 * same keys, trigram, substring lookups). Both are derived from `place_texts`, each place's keys
 * framed as name-search.ts's searchText frames them, which an import writes as it stores each
 * row (PlaceWriter). Each step is a generator that yields between chunks, so the async build can
 * give the event loop a turn there and the sync one just runs through.
 */

/**
 * Texts of the rows the build started with (a merge's copy of the live catalogue, or the rows
 * already in the database importFile merges into) that have none yet.
 */
export function* indexCopiedNames(db: Db, upTo: number): Generator<void> {
  if (upTo <= 0) return
  const rows = db.prepare<[number, number], NameRow>(
    `SELECT p.rowid, p.name, p.name_zh AS nameZh, p.name_en AS nameEn FROM places p
      WHERE p.rowid > ? AND p.rowid <= ? AND NOT EXISTS (SELECT 1 FROM place_texts t WHERE t.rowid = p.rowid)
      ORDER BY p.rowid LIMIT ${NAMES_PER_TURN}`,
  )
  const addText = db.prepare('INSERT INTO place_texts (rowid, names) VALUES (?, ?)')
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    // better-sqlite3 allows no other statement while an iterator is open: read a batch, then write.
    const batch = rows.all(after, upTo)
    for (const row of batch) {
      const keys = nameKeys([row.name, row.nameZh, row.nameEn])
      if (keys.length > 0) addText.run(row.rowid, searchText(keys))
    }
    if (batch.length < NAMES_PER_TURN) return
    after = batch[batch.length - 1]!.rowid
    yield
  }
}

/**
 * Rebuilds `place_names` from `place_texts`, in SQL: each text's keys split apart (json_each over
 * the text turned into a JSON array; keys hold only letters, digits and single spaces, so they
 * need no escaping), sorted, appended. Sorted appends fill the table's pages in order, at a
 * fraction of the cost of inserting each key where it falls.
 */
export function* fillNameTable(db: Db): Generator<void> {
  db.exec('DELETE FROM place_names')
  const upTo = db.prepare(`SELECT rowid AS n FROM place_texts WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${KEYS_PER_TURN - 1}`)
  const range = db.prepare(
    `INSERT OR IGNORE INTO place_names (key, place_rowid)
       SELECT k.value, t.rowid FROM place_texts t,
         json_each('["' || replace(substr(t.names, 2, length(t.names) - 2), ' ' || char(10) || ' ', '","') || '"]') k
        WHERE t.rowid > ? AND t.rowid <= ? ORDER BY 1, 2`,
  )
  yield* inRanges(upTo, range)
}

/** Rebuilds the trigram index from `place_texts`, a range of rowids at a time. */
export function* fillTextIndex(db: Db): Generator<void> {
  db.exec("INSERT INTO places_fts (places_fts) VALUES ('delete-all')")
  const upTo = db.prepare(`SELECT rowid AS n FROM place_texts WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${TEXTS_PER_TURN - 1}`)
  const range = db.prepare('INSERT INTO places_fts (rowid, names) SELECT rowid, names FROM place_texts WHERE rowid > ? AND rowid <= ?')
  yield* inRanges(upTo, range)
}

/** Runs `range` over consecutive rowid ranges of place_texts, `upTo` giving each range's end. */
function* inRanges(upTo: Statement<[number]>, range: Statement<[number, number]>): Generator<void> {
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const end = (upTo.get(after) as { n: number } | undefined)?.n
    range.run(after, end ?? Number.MAX_SAFE_INTEGER)
    if (end === undefined) return
    after = end
    yield
  }
}

interface NameRow {
  rowid: number
  name: string
  nameZh: string | null
  nameEn: string | null
}
