import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { AppError } from '../errors.js'
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js'

export type Db = Database.Database

/** What a database file must hold: its DDL, the version stamped in user_version, and its name in messages. */
export interface DbSchema {
  readonly sql: string
  readonly version: number
  readonly what: string
  readonly fix: string
}

export const CATALOGUE_SCHEMA: DbSchema = {
  sql: SCHEMA_SQL,
  version: SCHEMA_VERSION,
  what: 'catalogue database',
  fix: 're-import the catalogue',
}

export interface OpenOptions {
  /** Create the file and its tables when missing (import, refresh); serving opens read-only. */
  readonly create?: boolean
  readonly readonly?: boolean
}

/**
 * Opens a catalogue file: WAL so readers never wait for a writer, NORMAL sync (safe with WAL),
 * and a schema-version check so an old file fails fast with a message saying what to do.
 */
export function openDb(file: string, opts: OpenOptions = {}, schema: DbSchema = CATALOGUE_SCHEMA): Db {
  const memory = file === ':memory:'
  if (!memory && !opts.create && !existsSync(file)) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `${schema.what} ${file} does not exist; run the import first`)
  }
  let db: Db
  try {
    db = new Database(file, { readonly: Boolean(opts.readonly) && !opts.create, fileMustExist: !opts.create && !memory })
  } catch (err) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `cannot open ${schema.what} ${file}`, 500, { cause: err })
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
      db.exec(schema.sql)
      db.pragma(`user_version = ${schema.version}`)
    } else if (version !== schema.version) {
      throw new AppError(
        'CATALOGUE_SCHEMA',
        `${schema.what} ${file} has schema version ${version}, this server needs ${schema.version}; ${schema.fix}`,
      )
    }
  } catch (err) {
    db.close()
    throw err
  }
  return db
}
