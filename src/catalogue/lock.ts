import Database from 'better-sqlite3'
import { AppError } from '../errors.js'

/**
 * One writer per catalogue file, across processes: the scheduled refresh inside the server and
 * an operator's `npm run catalogue -- import` must never build and swap at the same time.
 *
 * The lock is SQLite's own write lock on a small side file (`<catalogue>.lock`), held by an open
 * `BEGIN IMMEDIATE` transaction. The operating system drops it when the holder exits, however
 * it exits, so a killed refresh can never leave the catalogue locked (unlike a pid file).
 */
export class CatalogueLock {
  private constructor(private readonly db: Database.Database) {}

  /**
   * Takes the lock for `file`, waiting up to `waitMs` (default: not at all). Throws
   * CATALOGUE_BUSY when another import or refresh holds it.
   */
  static acquire(file: string, waitMs = 0): CatalogueLock {
    const lockFile = `${file}.lock`
    let db: Database.Database | undefined
    try {
      db = new Database(lockFile)
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`)
      db.exec('BEGIN IMMEDIATE')
      return new CatalogueLock(db)
    } catch (err) {
      db?.close()
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new AppError('CATALOGUE_BUSY', `another import or refresh of ${file} is running; try again when it has finished`, 409, {
          cause: err,
        })
      }
      throw new AppError('CATALOGUE_UNAVAILABLE', `cannot take the lock file ${lockFile}`, 500, { cause: err })
    }
  }

  release(): void {
    if (!this.db.open) return
    try {
      this.db.exec('ROLLBACK')
    } finally {
      this.db.close()
    }
  }
}
