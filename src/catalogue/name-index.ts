import type { Db } from './db.js'
import { nameKeys, searchText } from './name-search.js'

/** Rows read per batch, and between two turns of the event loop in the async build. */
const NAMES_PER_TURN = 2000

/**
 * Fills the name indexes from the places table after a bulk load: `place_names` (folded keys,
 * exact and prefix lookups) and `places_fts` (the same keys, trigram, substring lookups). Like
 * the R*Tree, they are built once from the finished table rather than row by row.
 */
export function rebuildNames(db: Db): void {
  for (const _ of batches(db));
}

/** The same as rebuildNames, with a turn of the event loop between batches. */
export async function rebuildNamesAsync(db: Db, nextTurn: () => Promise<unknown>): Promise<void> {
  for (const _ of batches(db)) await nextTurn()
}

/** Indexes the names batch by batch (better-sqlite3 allows no other statement while an iterator is open). */
function* batches(db: Db): Generator<void> {
  const { rows, add } = prepare(db)
  for (let after = 0; ; ) {
    const batch = rows.all(after, NAMES_PER_TURN)
    for (const row of batch) add(row)
    if (batch.length < NAMES_PER_TURN) return
    after = batch[batch.length - 1]!.rowid
    yield
  }
}

interface NameRow {
  rowid: number
  name: string
  nameZh: string | null
  nameEn: string | null
}

function prepare(db: Db) {
  db.exec('DELETE FROM place_names; DELETE FROM places_fts;')
  const rows = db.prepare<[number, number], NameRow>(
    'SELECT rowid, name, name_zh AS nameZh, name_en AS nameEn FROM places WHERE rowid > ? ORDER BY rowid LIMIT ?',
  )
  const addName = db.prepare('INSERT OR IGNORE INTO place_names (key, place_rowid) VALUES (?, ?)')
  const addText = db.prepare('INSERT INTO places_fts (rowid, names) VALUES (?, ?)')
  const add = (row: NameRow) => {
    const keys = nameKeys([row.name, row.nameZh, row.nameEn])
    for (const key of keys) addName.run(key, row.rowid)
    if (keys.length > 0) addText.run(row.rowid, searchText(keys))
  }
  return { rows, add }
}
