import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { AppError } from '../errors.js'
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js'

export type Db = Database.Database

export interface OpenOptions {
  /** Create the file and its tables when missing (import, refresh); serving opens read-only. */
  readonly create?: boolean
  readonly readonly?: boolean
}

/**
 * Opens a catalogue file: WAL so readers never wait for a writer, NORMAL sync (safe with WAL),
 * and a schema-version check so an old file fails fast with a message saying what to do.
 */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  const memory = file === ':memory:'
  if (!memory && !opts.create && !existsSync(file)) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `catalogue database ${file} does not exist; run the import first`)
  }
  let db: Db
  try {
    db = new Database(file, { readonly: Boolean(opts.readonly) && !opts.create, fileMustExist: !opts.create && !memory })
  } catch (err) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `cannot open catalogue database ${file}`, 500, { cause: err })
  }
  try {
    if (!db.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    // A reader that meets a writer's checkpoint waits briefly instead of failing at once.
    db.pragma('busy_timeout = 2000')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version === 0 && !db.readonly) {
      db.exec(SCHEMA_SQL)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    } else if (version !== SCHEMA_VERSION) {
      throw new AppError(
        'CATALOGUE_SCHEMA',
        `catalogue database ${file} has schema version ${version}, this server needs ${SCHEMA_VERSION}; re-import the catalogue`,
      )
    }
  } catch (err) {
    db.close()
    throw err
  }
  return db
}
