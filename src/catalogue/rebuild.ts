import { existsSync } from 'node:fs'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { AppError, isAppError } from '../errors.js'
import { openDb, type Db } from './db.js'
import {
  checkSource,
  countPlaces,
  digestAsync,
  finishCatalogue,
  fingerprint,
  nextVersion,
  readMeta,
  readSourceAsync,
  sourceList,
  writeMeta,
  type ImportOptions,
  type SourceReport,
} from './import.js'
import { loadSource, type LoadLimits } from './load-source.js'
import { PlaceWriter } from './place-writer.js'
import { SCHEMA_VERSION } from './schema.js'
import { buildFileOf, replaceByBuild } from './swap.js'

/** A catalogue source: a file path or an http(s) URL, and how to read it. */
export interface SourceSpec {
  readonly location: string
  readonly options?: ImportOptions
}

export interface RebuildOptions {
  /** Start from the live catalogue's rows and update/add (default: the sources replace it). */
  readonly merge?: boolean
  /** Refuse a result with fewer places than this share of the live catalogue's (0 = no check). */
  readonly minRatio?: number
  readonly limits: LoadLimits
  /** How long to wait for another import or refresh of the same file (default: refuse at once). */
  readonly waitMs?: number
  readonly onProgress?: (p: { readonly source: string; readonly rows: number }) => void
  /** Sources from this size (bytes) on are read in a worker thread (default WORKER_FROM_BYTES). */
  readonly workerFromBytes?: number
  /** Called with the checked, finished file just before it is swapped in. */
  readonly beforeSwap?: (built: string) => Promise<void> | void
  readonly now?: () => number
}

export interface CatalogueSummary {
  readonly places: number
  readonly version: string | null
}

export interface RebuildReport {
  readonly file: string
  readonly sources: readonly SourceReport[]
  readonly places: number
  readonly version: string
  /** The catalogue it replaced, when there was a readable one. */
  readonly previous: CatalogueSummary | undefined
}

// The build file's name is swap.ts's; re-exported for the operator CLI and tests.
export { buildFileOf } from './swap.js'

/**
 * Builds a new catalogue file from the sources, checks it, and swaps it in for `file`.
 *
 * The live file is never written: readers keep complete answers from it during the build,
 * and any failure (a bad source, a failed check, a crash, a kill) leaves it exactly as it was.
 * One build per catalogue at a time (see CatalogueLock); a build left by a killed run is
 * removed by the next one.
 */
export async function rebuildCatalogue(file: string, sources: readonly SourceSpec[], opts: RebuildOptions): Promise<RebuildReport> {
  if (sources.length === 0) throw new AppError('IMPORT_BAD_FILE', `no sources to build ${file} from`, 400)
  return replaceByBuild(file, opts.waitMs, async built => {
    const previous = summarise(file)
    const { reports, version } = await build(file, sources, previous, opts)
    const places = check(built, previous, opts.minRatio ?? 0)
    await opts.beforeSwap?.(built)
    return { file, sources: reports, places, version, previous }
  })
}

async function build(
  file: string,
  sources: readonly SourceSpec[],
  previous: CatalogueSummary | undefined,
  opts: RebuildOptions,
): Promise<{ reports: SourceReport[]; version: string }> {
  if (opts.merge && existsSync(file) && !previous) {
    throw new AppError('IMPORT_BAD_FILE', `${file} cannot be read (another schema version?); import without --merge to replace it`, 400)
  }
  const db = openDb(buildFileOf(file), { create: true, bulk: true })
  try {
    const earlier = opts.merge && previous ? copyLive(db, file) : []
    db.exec('BEGIN')
    let current = ''
    const writer = new PlaceWriter(db, { onProgress: rows => opts.onProgress?.({ source: current, rows }) })
    const reports: SourceReport[] = []
    const fingerprints: string[] = []
    for (const spec of sources) {
      current = spec.location
      try {
        const loaded = { name: spec.location, bytes: await loadSource(spec.location, opts.limits), options: spec.options ?? {} }
        fingerprints.push(fingerprint(loaded, await digestAsync(loaded.bytes, nextTurn)))
        reports.push(checkSource(await readSourceAsync(loaded, writer, opts.workerFromBytes), loaded.options))
      } catch (err) {
        throw sources.length > 1 ? namingSource(err, spec.location) : err
      }
    }
    for (const _ of finishCatalogue(db, writer.copiedUpTo)) await nextTurn()
    const version = nextVersion(opts.merge ? (previous?.version ?? null) : null, fingerprints)
    const now = new Date((opts.now ?? Date.now)()).toISOString()
    const locations = [...new Set([...earlier, ...sources.map(s => s.location)])]
    writeMeta(db, { version, imported_at: now, sources: JSON.stringify(locations) })
    db.exec('COMMIT')
    return { reports, version }
  } finally {
    db.close()
  }
}

/** With several sources, a refusal says which one it is about ("the file is empty" alone does not). */
function namingSource(err: unknown, location: string): unknown {
  if (!isAppError(err) || err.message.includes(location)) return err
  return new AppError(err.code, `${location}: ${err.message}`, err.status, { cause: err })
}

/** Copies the live catalogue's places into the build, for a merge; returns its source list. */
function copyLive(db: Db, live: string): string[] {
  db.prepare('ATTACH DATABASE ? AS live').run(live)
  try {
    db.exec('INSERT INTO main.places SELECT * FROM live.places')
    db.exec("INSERT INTO main.catalogue_meta SELECT * FROM live.catalogue_meta WHERE key = 'sources'")
    return sourceList(db)
  } finally {
    db.exec('DETACH DATABASE live')
  }
}

/** Places and version of the live file; undefined when there is none or it is unreadable. */
export function summarise(file: string): CatalogueSummary | undefined {
  if (!existsSync(file)) return undefined
  let db: Db
  try {
    db = openDb(file, { readonly: true })
  } catch (err) {
    // An old schema or a damaged file is what a rebuild repairs: nothing to compare with.
    if (isAppError(err, 'CATALOGUE_SCHEMA') || isAppError(err, 'CATALOGUE_UNAVAILABLE')) return undefined
    throw err
  }
  try {
    return { places: countPlaces(db), version: readMeta(db, 'version') }
  } finally {
    db.close()
  }
}

/** Opens the finished file as a reader would and checks it before it may replace the live one. */
function check(built: string, previous: CatalogueSummary | undefined, minRatio: number): number {
  const db = openDb(built, { readonly: true })
  try {
    // openDb has checked the schema version; a full integrity check would stall the server
    // for seconds on a large file, and the file was just written by us and synced whole.
    const version = db.pragma('user_version', { simple: true })
    if (version !== SCHEMA_VERSION || !readMeta(db, 'version')) {
      throw new AppError('REFRESH_FAILED', `the new catalogue failed its check (schema ${String(version)})`)
    }
    const places = countPlaces(db)
    if (previous && previous.places > 0 && places < minRatio * previous.places) {
      throw new AppError(
        'REFRESH_FAILED',
        `the new catalogue has ${places} places, fewer than ${Math.round(minRatio * 100)}% of the current ${previous.places}; ` +
          'the current one is kept. If the smaller catalogue is right: npm run catalogue -- refresh --force, or a lower REFRESH_MIN_RATIO',
      )
    }
    return places
  } finally {
    db.close()
  }
}
