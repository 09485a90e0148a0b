import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import type { AccountConfig, Config } from './config.js'
import { AppError, isAppError } from './errors.js'

/**
 * The setting an operator wrote a file's path in, for messages that say what to fix:
 * `DB_FILE=README.md is not a catalogue database`. With an accounts file, an account's own
 * `dbFile` is named by its account.
 */
export function catalogueSetting(config: Config, account: AccountConfig): string {
  return config.accountsFile && account.dbFile !== config.dbFile ? `account ${account.id}: dbFile` : 'DB_FILE'
}

/**
 * Runs `open` and turns a failure to open `file` into one line naming the setting that points
 * there, instead of a database driver's stack trace.
 */
export function openedFor<T>(setting: string, file: string, open: () => T): T {
  try {
    return open()
  } catch (err) {
    throw forSetting(setting, file, err)
  }
}

export function forSetting(setting: string, file: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code
  if (isAppError(err)) {
    const message = err.message.startsWith(file) ? `${setting}=${err.message}` : `${setting}=${file}: ${err.message}`
    return new AppError(err.code, message, err.status, { cause: err })
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return new AppError('CATALOGUE_UNAVAILABLE', `${setting}=${file} cannot be opened: ${(err as Error).message}`, 500, { cause: err })
  }
  return err
}

/** Tables that mark a file as a catalogue or a gazetteer, never a state file. */
const NOT_STATE: Readonly<Record<string, string>> = { places: 'a catalogue', gazetteer: 'a gazetteer' }

/**
 * The state file is opened for writing and gets its tables created: make sure an existing file
 * is a database and not a catalogue or gazetteer (STATE_FILE=data/catalogue.sqlite would
 * otherwise gain state tables inside the catalogue).
 */
export function checkStateFile(file: string): void {
  if (file === ':memory:' || !existsSync(file)) return
  openedFor('STATE_FILE', file, () => {
    let db: Database.Database | undefined
    try {
      db = new Database(file, { fileMustExist: true })
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
      const other = tables.find(t => NOT_STATE[t])
      if (other) throw new AppError('WRONG_DATABASE', `${file} is not a state file (it holds ${NOT_STATE[other]})`)
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new AppError('WRONG_DATABASE', `${file} is not a state file (not an SQLite database)`, 500, { cause: err })
      }
      throw err
    } finally {
      db?.close()
    }
  })
}
