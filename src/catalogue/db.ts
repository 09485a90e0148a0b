import Database from 'better-sqlite3'
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { AppError } from '../errors.js'
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js'

export type Db = Database.Database

/** What a database file must hold: its DDL, the version stamped in user_version, and its name in messages. */
export interface DbSchema {
  readonly sql: string
  readonly version: number
  readonly what: string
  readonly fix: string
  /** A table every version of this kind of file has: a database without it is another kind of file. */
  readonly table: string
}

export const CATALOGUE_SCHEMA: DbSchema = {
  sql: SCHEMA_SQL,
  version: SCHEMA_VERSION,
  what: 'catalogue database',
  fix: 're-import the catalogue',
  table: 'places',
}

export interface OpenOptions {
  /** Create the file and its tables when missing (import, refresh); serving opens read-only. */
  readonly create?: boolean
  readonly readonly?: boolean
  /**
   * A private file being built by an import or refresh: journal in memory, no syncs, one big
   * exclusive cache. A crash leaves garbage, but the file is thrown away then anyway, and it
   * is synced to disk as a whole before it is swapped in (see swap.ts).
   */
  readonly bulk?: boolean
}

/** Header byte 18 is 2 when a database file is in WAL mode. */
const WAL_FORMAT = 2

/**
 * Opens a catalogue file, with a schema-version check so an old file fails fast with a message
 * saying what to do.
 *
 * Catalogue files use a rollback journal, not WAL, on purpose: nobody ever writes the live
 * file in place. Imports and refreshes build a new file and rename it over the live one, and
 * the server only reads (read-only connections). Readers therefore never meet a writer's lock,
 * and there is no `-wal` file beside the live one that SQLite could wrongly replay into a
 * file swapped in under the same name.
 */
export function openDb(file: string, opts: OpenOptions = {}, schema: DbSchema = CATALOGUE_SCHEMA): Db {
  const memory = file === ':memory:'
  if (!memory && !opts.create && !existsSync(file)) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `${schema.what} ${file} does not exist; run the import first`)
  }
  if (!memory && existsSync(file) && statSync(file).isDirectory()) throw wrongDatabase(file, schema, 'it is a directory')
  const readonly = Boolean(opts.readonly) && !opts.create
  if (readonly && usesWal(file)) leaveWal(file)
  let db: Db
  try {
    db = new Database(file, { readonly, fileMustExist: !opts.create && !memory })
  } catch (err) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `cannot open ${schema.what} ${file} (${(err as Error).message})`, 500, { cause: err })
  }
  try {
    // A connection that meets another's lock (a second import, say) waits briefly instead of failing at once.
    db.pragma('busy_timeout = 2000')
    if (!db.readonly) {
      if (opts.bulk) {
        // Defensive mode off: the build writes the R*Tree's own tables (rtree-pack.ts), and
        // journal_mode OFF needs it. No journal: a failed build is thrown away, never rolled back.
        db.unsafeMode(true)
        db.pragma('journal_mode = OFF')
        db.pragma('synchronous = OFF')
        db.pragma('main.locking_mode = EXCLUSIVE')
        db.pragma('cache_size = -65536')
        db.pragma('temp_store = MEMORY')
      } else {
        db.pragma('journal_mode = DELETE')
        db.pragma('synchronous = FULL')
      }
    }
    const version = db.pragma('user_version', { simple: true }) as number
    if (version === 0 && !db.readonly && !otherKind(db, schema)) {
      db.exec(schema.sql)
      db.pragma(`user_version = ${schema.version}`)
    } else if (version !== schema.version) {
      if (otherKind(db, schema)) throw wrongDatabase(file, schema, `an SQLite database without a ${schema.table} table`)
      throw new AppError(
        'CATALOGUE_SCHEMA',
        `${schema.what} ${file} has schema version ${version}, this server needs ${schema.version}; ${schema.fix}`,
      )
    }
  } catch (err) {
    db.close()
    // README.md, say: SQLite opens any file lazily and only fails at the first read.
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw wrongDatabase(file, schema, 'not an SQLite database', err)
    throw err
  }
  return db
}

/** True when the database holds tables, but not this kind's (a state file, a gazetteer for a catalogue). */
function otherKind(db: Db, schema: DbSchema): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
  return tables.length > 0 && !tables.includes(schema.table)
}

/**
 * The file is something else (a wrong path in the configuration). Never treated like a damaged
 * or outdated catalogue, which an import may replace: this file is not ours to overwrite.
 */
function wrongDatabase(file: string, schema: DbSchema, why: string, cause?: unknown): AppError {
  return new AppError('WRONG_DATABASE', `${file} is not a ${schema.what} (${why})`, 500, { cause })
}

/** True when the file's header says WAL mode (catalogues written by earlier versions). */
export function usesWal(file: string): boolean {
  if (file === ':memory:' || !existsSync(file)) return false
  const header = Buffer.alloc(20)
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    // Not readable (a directory, no permission): opening it says why.
    return false
  }
  try {
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === WAL_FORMAT
  } catch {
    return false
  } finally {
    closeSync(fd)
  }
}

/** Folds a WAL-mode file's log back into it and switches it to a rollback journal. */
export function leaveWal(file: string): void {
  const db = new Database(file, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 2000')
    const mode = db.pragma('journal_mode = DELETE', { simple: true })
    if (mode !== 'delete') throw new Error(`journal mode is still ${String(mode)}`)
  } catch (err) {
    throw new AppError('CATALOGUE_UNAVAILABLE', `cannot switch ${file} out of WAL mode (is another program using it?)`, 500, {
      cause: err,
    })
  } finally {
    db.close()
  }
}
