import { copyFileSync, existsSync } from 'node:fs'
import { isAppError } from '../errors.js'
import { openDb } from './db.js'
import { importGazetteer, type GazetteerImportReport } from './gazetteer-import.js'
import { GAZETTEER_DB } from './gazetteer-schema.js'
import { replaceByBuild } from './swap.js'

export interface GazetteerRebuildOptions {
  /** Add to / update the current gazetteer by id (default: the files replace it). */
  readonly merge?: boolean
  /** How long to wait for another import of the same file (default: refuse at once). */
  readonly waitMs?: number
}

export interface GazetteerRebuildReport extends GazetteerImportReport {
  readonly file: string
  /** Entries of the gazetteer it replaced, when there was a readable one. */
  readonly previous: number | undefined
}

/**
 * Builds a new gazetteer file from `files` and swaps it in for `file`, as catalogue imports do
 * (see rebuild.ts): the live file is never written, so a running server keeps resolving names
 * from it during the import and follows the swap by itself (LiveGazetteer); a failed or killed
 * import leaves it as it was. One import per gazetteer at a time (CatalogueLock on `<file>.lock`).
 */
export async function rebuildGazetteer(file: string, files: readonly string[], opts: GazetteerRebuildOptions = {}): Promise<GazetteerRebuildReport> {
  return replaceByBuild(file, opts.waitMs, async built => {
    const previous = entriesOf(file)
    // A merge starts from a copy: nobody writes the live file (imports hold the lock, servers only read).
    if (opts.merge && previous !== undefined) copyFileSync(file, built)
    const db = openDb(built, { create: true, bulk: true }, GAZETTEER_DB)
    let report: GazetteerImportReport
    try {
      report = importGazetteer(db, files, { merge: opts.merge })
    } finally {
      db.close()
    }
    return { ...report, file, previous }
  })
}

/**
 * Entries in the live gazetteer; undefined when there is none or it is of an older schema (an
 * import replaces it). A file that is not a gazetteer at all throws: it is not ours to replace.
 */
function entriesOf(file: string): number | undefined {
  if (!existsSync(file)) return undefined
  let db
  try {
    db = openDb(file, { readonly: true }, GAZETTEER_DB)
  } catch (err) {
    if (isAppError(err, 'CATALOGUE_SCHEMA')) return undefined
    throw err
  }
  try {
    return (db.prepare('SELECT count(*) AS n FROM gazetteer').get() as { n: number }).n
  } finally {
    db.close()
  }
}
