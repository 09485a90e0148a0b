import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { AppError } from '../errors.js'
import type { Datum } from '../geo/datum.js'
import type { Db } from './db.js'
import type { TextEncoding } from './decode.js'
import { fillNameTable, fillTextIndex, indexCopiedNames } from './name-index.js'
import { PlaceWriter } from './place-writer.js'
import { readRowsInWorker } from './read-in-worker.js'
import { readRows, readRowsInTurns, type ReadSummary, type RowBatch } from './read-rows.js'
import type { Refusal, RowDefaults } from './record.js'
import { packBoxes } from './rtree-pack.js'
import { SCHEMA_VERSION } from './schema.js'

export interface ImportOptions {
  /** Datum of coordinates in rows without a datum column of their own (default WGS-84). */
  readonly datum?: Datum
  /** Refuse the whole file on any bad row (default: keep the good rows, report the bad). */
  readonly strict?: boolean
  /** Add to / update the existing catalogue by id instead of replacing it. */
  readonly merge?: boolean
  /** Provenance stored with rows that carry no `source` column (default: the file name). */
  readonly source?: string
  /** Category of rows without one (default `other`). */
  readonly category?: string
}

/** What reading one source gave. */
export interface SourceReport {
  readonly file: string
  readonly encoding: TextEncoding | 'json'
  readonly accepted: number
  /** Refused rows with line and reason, in file order (the first thousand). */
  readonly refused: readonly Refusal[]
  readonly refusedCount: number
  /** The file had no id column: ids were derived from name and coordinates. */
  readonly generatedIds: boolean
}

export interface ImportReport extends SourceReport {
  /** Places in the catalogue after the import. */
  readonly total: number
  readonly version: string
}

/** A source's bytes and everything that decides what it imports as. */
export interface LoadedSource {
  /** File path or URL, for reports. */
  readonly name: string
  readonly bytes: Buffer
  readonly options: ImportOptions
}

export function readSourceFile(file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new AppError('IMPORT_BAD_FILE', `cannot read ${file}: ${(err as Error).message}`, 400, { cause: err })
  }
}

/**
 * Imports a file into an open catalogue database in one transaction: either every accepted row
 * is stored (and, unless merging, the previous catalogue replaced) or nothing changes. The CLI
 * and the refresh build a new file instead (see rebuild.ts); this is the building block.
 */
export function importFile(db: Db, file: string, opts: ImportOptions = {}): ImportReport {
  const source: LoadedSource = { name: file, bytes: readSourceFile(file), options: opts }
  return asBuilder(db, () =>
    db.transaction(() => {
      const previous = opts.merge ? readMeta(db, 'version') : null
      const earlier = opts.merge ? sourceList(db) : []
      // The R*Tree and the FTS index are rebuilt whole by finishCatalogue.
      if (!opts.merge) db.exec('DELETE FROM places; DELETE FROM place_names; DELETE FROM place_texts;')
      const writer = new PlaceWriter(db)
      const report = checkSource(readSource(source, writer), opts)
      for (const _ of finishCatalogue(db, writer.copiedUpTo));
      const version = nextVersion(previous, [fingerprint(source)])
      const sources = JSON.stringify([...new Set([...earlier, file])])
      writeMeta(db, { version, imported_at: new Date().toISOString(), sources })
      return { ...report, total: countPlaces(db), version }
    })(),
  )
}

/**
 * Runs `build` with SQLite's defensive mode off, which writing the R*Tree's own tables needs
 * (see rtree-pack.ts); a build connection opened with `bulk` has it off throughout.
 */
function asBuilder<T>(db: Db, build: () => T): T {
  db.unsafeMode(true)
  try {
    return build()
  } finally {
    db.unsafeMode(false)
  }
}

/**
 * What a build does once every source's rows are stored: the texts of rows it started with
 * (a merge), the name table, the R*Tree, the trigram index. A generator that yields between chunks of work, so
 * the async build gives the event loop a turn there.
 */
export function* finishCatalogue(db: Db, copiedUpTo: number): Generator<void> {
  yield* indexCopiedNames(db, copiedUpTo)
  yield* fillNameTable(db)
  yield* packBoxes(db)
  yield* fillTextIndex(db)
}

export function rowDefaults(source: LoadedSource): RowDefaults {
  const { options } = source
  return { datum: options.datum ?? 'wgs84', source: options.source ?? basename(source.name), category: options.category }
}

/** Reads one source into the writer, in this thread. */
export function readSource(source: LoadedSource, writer: PlaceWriter): SourceReport {
  writer.nextSource()
  const summary = readRows({ name: source.name, bytes: source.bytes, defaults: rowDefaults(source) }, batch => writer.add(batch))
  return sourceReport(source, summary, writer)
}

/**
 * Sources from this size on are read in a worker thread: below it (a few thousand rows) starting
 * the thread costs more than it saves.
 */
export const WORKER_FROM_BYTES = 1 << 20

/**
 * Reads one source into the writer without holding up the event loop: in a worker thread (see
 * read-in-worker.ts) from `workerFromBytes` on, else here with turns of the event loop in between.
 */
export async function readSourceAsync(source: LoadedSource, writer: PlaceWriter, workerFromBytes = WORKER_FROM_BYTES): Promise<SourceReport> {
  writer.nextSource()
  const input = { name: source.name, bytes: source.bytes, defaults: rowDefaults(source) }
  const onBatch = (batch: RowBatch) => writer.add(batch)
  const summary = source.bytes.length >= workerFromBytes ? await readRowsInWorker(input, onBatch) : await readRowsInTurns(input, onBatch)
  return sourceReport(source, summary, writer)
}

function sourceReport(source: LoadedSource, summary: ReadSummary, w: PlaceWriter): SourceReport {
  return { file: source.name, encoding: summary.encoding, accepted: w.accepted, refused: w.refused, refusedCount: w.refusedCount, generatedIds: summary.generatedIds }
}

/** Refuses the source when strict and any row was bad, or when no row was good. */
export function checkSource(report: SourceReport, opts: ImportOptions): SourceReport {
  if (opts.strict && report.refusedCount > 0) {
    throw new AppError('IMPORT_BAD_ROW', `${report.file}: ${report.refusedCount} bad row(s), nothing imported:\n${describe(report)}`, 400)
  }
  if (report.accepted === 0) {
    throw new AppError('IMPORT_BAD_ROW', `${report.file}: no valid rows, nothing imported:\n${describe(report)}`, 400)
  }
  return report
}

/** What decides a source's rows: its bytes and the options it is read with. */
export function fingerprint(s: LoadedSource, bytesDigest = digest(s.bytes)): string {
  const { datum, category } = s.options
  return createHash('sha256')
    .update(bytesDigest)
    .update(JSON.stringify({ datum, category, source: s.options.source ?? basename(s.name) }))
    .digest('hex')
}

export function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The same as digest, a few megabytes at a time with a turn of the event loop in between. */
export async function digestAsync(bytes: Buffer, nextTurn: () => Promise<unknown>): Promise<string> {
  const h = createHash('sha256')
  for (let i = 0; i < bytes.length; i += 4 << 20) {
    h.update(bytes.subarray(i, i + (4 << 20)))
    await nextTurn()
  }
  return h.digest('hex')
}

/**
 * The catalogue's version: a fingerprint of what it was built from (schema, sources, and the
 * version merged into), so importing the same files again gives the same version.
 */
export function nextVersion(previous: string | null, fingerprints: readonly string[]): string {
  const h = createHash('sha256').update(`schema ${SCHEMA_VERSION}\n`)
  if (previous) h.update(`merged into ${previous}\n`)
  for (const f of fingerprints) h.update(`${f}\n`)
  return h.digest('hex').slice(0, 16)
}

export function writeMeta(db: Db, meta: Record<string, string>): void {
  const put = db.prepare('INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES (?, ?)')
  for (const [key, value] of Object.entries(meta)) put.run(key, value)
}

export function readMeta(db: Db, key: string): string | null {
  return (db.prepare('SELECT value FROM catalogue_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null
}

/** The files and URLs a catalogue was built from (empty for files written by older versions). */
export function sourceList(db: Db): string[] {
  try {
    const list: unknown = JSON.parse(readMeta(db, 'sources') ?? '[]')
    return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : []
  } catch {
    return []
  }
}

export function countPlaces(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM places').get() as { n: number }).n
}

/** The refused rows as report lines; a GeoJSON source's are numbered by feature, not by line. */
export function describe(report: Pick<SourceReport, 'refused' | 'refusedCount'> & { readonly encoding?: SourceReport['encoding'] }, max = 20): string {
  const json = report.encoding === 'json'
  const lines = report.refused
    .slice(0, max)
    .map(r => (json ? `  feature ${r.line}: ${r.reason.replace(/\bon line (\d+)\)/, 'in feature $1)')}` : `  line ${r.line}: ${r.reason}`))
  if (report.refusedCount > max) lines.push(`  … and ${report.refusedCount - max} more`)
  return lines.join('\n')
}
