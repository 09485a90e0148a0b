/**
 * The operator's catalogue tool: npm run catalogue -- <command> [options]
 *
 *   import <file|url>... [--merge] [--strict] [--datum wgs84|gcj02|bd09] [--category C] [--source NAME]
 *   refresh [--force]            rebuild from the configured sources (CATALOGUE_SOURCES / accounts file)
 *   stats [--json]               places, categories, version, imported at, sources
 *   export [--out FILE]          the catalogue as CSV (stdout by default)
 *
 * Common: --account ID (that account's catalogue), --db FILE (this file), --wait (wait for a
 * running import or refresh instead of refusing).
 * Imports and refreshes build a new file beside the catalogue and swap it in when complete,
 * so a running server keeps answering from the old one and picks the new one up by itself.
 */
import { once } from 'node:events'
import { createWriteStream, existsSync, openSync } from 'node:fs'
import { describe, type ImportOptions } from '../src/catalogue/import.js'
import { exportCatalogue, inspectCatalogue } from '../src/catalogue/inspect.js'
import { buildFileOf, rebuildCatalogue, type RebuildReport, type SourceSpec } from '../src/catalogue/rebuild.js'
import { removeBuild } from '../src/catalogue/swap.js'
import { DATUMS } from '../src/catalogue/record.js'
import { loadConfig, type Config } from '../src/config.js'
import { isAppError } from '../src/errors.js'
import type { Datum } from '../src/geo/datum.js'
import { catalogueJobs } from '../src/refresh-jobs.js'
import { CommandError, parseCommandLine, reportUsage, UsageError } from './cli-args.js'

const USAGE = `usage: npm run catalogue -- <command> [options]
  import <file|url>... [--merge] [--strict] [--datum wgs84|gcj02|bd09] [--category C] [--source NAME]
  refresh [--force]
  stats [--json]
  export [--out FILE]
common options: --account ID, --db FILE, --wait`

/** The longest --wait for another import or refresh (ms). */
const WAIT_MS = 30 * 60_000
/** Off a terminal (a log file, CI), at most one progress line this often. */
const PROGRESS_LOG_MS = 5000

let parsed: ReturnType<typeof readArgs>
try {
  parsed = readArgs()
} catch (err) {
  reportUsage(err as UsageError, USAGE)
  process.exit()
}
const { values, positionals } = parsed

// `export | head` closes the pipe early: that is the reader being done, not a failure.
process.stdout.on('error', err => {
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0)
  throw err
})

function readArgs() {
  return parseCommandLine({
  allowPositionals: true,
  options: {
    merge: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    wait: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    datum: { type: 'string' },
    category: { type: 'string' },
    source: { type: 'string' },
    account: { type: 'string' },
    db: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  })
}

function catalogueFile(config: Config): string {
  if (values.db) return values.db
  if (!values.account) return config.dbFile
  const account = config.accounts.find(a => a.id === values.account)
  if (!account) throw new UsageError(`no account ${values.account} (known: ${config.accounts.map(a => a.id).join(', ')})`)
  return account.dbFile
}

/**
 * Rows so far on stderr, from the first report (every 10,000 rows): redrawn in place on a
 * terminal, otherwise a line at most every few seconds.
 */
function progress(): { update(p: { source: string; rows: number }): void; done(): void } {
  const tty = process.stderr.isTTY
  const started = performance.now()
  let last = -Infinity
  let shown = false
  return {
    update({ source, rows }) {
      const now = performance.now()
      if (now - last < (tty ? 200 : PROGRESS_LOG_MS)) return
      last = now
      shown = true
      const rate = Math.round(rows / ((now - started) / 1000))
      const line = `  ${source}: ${rows.toLocaleString('en')} rows read (${rate.toLocaleString('en')} rows/s)`
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    },
    done() {
      if (shown && tty) process.stderr.write('\r\x1b[K')
    },
  }
}

function printReport(report: RebuildReport, seconds: number): void {
  for (const s of report.sources) {
    const ids = s.generatedIds ? ', ids made from name and coordinates (no id column)' : ''
    process.stdout.write(`${s.file} (${s.encoding}${ids}): ${s.accepted} accepted, ${s.refusedCount} refused\n`)
    if (s.refusedCount > 0) process.stdout.write(`${describe(s)}\n`)
  }
  const before = report.previous ? ` (was ${report.previous.places})` : ''
  process.stdout.write(
    `The catalogue ${report.file} now holds ${report.places} places${before}, version ${report.version}; built in ${seconds.toFixed(2)} s.\n`,
  )
}

async function rebuild(config: Config, what: 'import' | 'refresh', sources: SourceSpec[], merge: boolean, minRatio: number): Promise<void> {
  const file = catalogueFile(config)
  const shown = progress()
  const started = performance.now()
  let swapping = false
  const running = rebuildCatalogue(file, sources, {
    merge,
    minRatio,
    limits: { timeoutMs: config.refresh.timeoutMs, maxBytes: config.refresh.maxBytes },
    waitMs: values.wait ? WAIT_MS : 0,
    onProgress: p => shown.update(p),
    beforeSwap: () => void (swapping = true),
  })
  // Installed only now: the lock is ours (rebuildCatalogue takes it before its first await; when
  // it could not, the promise is already settled and the handler is removed before a signal
  // could run). Until here Ctrl-C keeps its default, also while --wait waits for the lock.
  const stop = onInterrupt(signal => {
    shown.done()
    const built = buildFileOf(file)
    if (swapping && !existsSync(built)) {
      process.stderr.write(`${what} interrupted (${signal}) after the new catalogue was swapped in: ${file} holds it.\n`)
    } else {
      // The live file was never written; the lock goes with this process.
      removeBuild(built)
      process.stderr.write(`${what} interrupted (${signal}), the catalogue is unchanged.\n`)
    }
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
  try {
    const report = await running
    shown.done()
    printReport(report, (performance.now() - started) / 1000)
  } catch (err) {
    shown.done()
    throw err
  } finally {
    stop()
  }
}

/** Runs `handle` on SIGINT (Ctrl-C) or SIGTERM; returns a function that uninstalls it. */
function onInterrupt(handle: (signal: NodeJS.Signals) => void): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const
  for (const s of signals) process.on(s, handle)
  return () => {
    for (const s of signals) process.off(s, handle)
  }
}

/** The --out file, opened before anything is read so a wrong path is one line, not a stack. */
function openOut(path: string): number {
  try {
    return openSync(path, 'w')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const why = e.code === 'ENOENT' ? 'no such directory' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message
    throw new CommandError(`cannot write ${path}: ${why}`)
  }
}

async function main(): Promise<number> {
  const [command, ...args] = positionals
  if (values.help || !command) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const config = loadConfig()
  switch (command) {
    case 'import': {
      if (args.length === 0) throw new UsageError('import needs at least one file or URL')
      const datum = values.datum?.toLowerCase()
      if (datum !== undefined && !DATUMS.includes(datum as Datum)) throw new UsageError('--datum must be wgs84, gcj02 or bd09')
      const options: ImportOptions = { strict: values.strict, datum: datum as Datum | undefined, category: values.category, source: values.source }
      // Several files: the first replaces the catalogue (unless --merge), the others add to it.
      await rebuild(config, 'import', args.map(location => ({ location, options })), values.merge, 0)
      return 0
    }
    case 'refresh': {
      const file = catalogueFile(config)
      const job = catalogueJobs(config).find(j => j.file === file)
      if (!job || job.sources.length === 0) {
        throw new UsageError(`no sources are configured for ${file}: set CATALOGUE_SOURCES (or "sources" in the accounts file)`)
      }
      await rebuild(config, 'refresh', [...job.sources], false, values.force ? 0 : config.refresh.minRatio)
      return 0
    }
    case 'stats': {
      const r = inspectCatalogue(catalogueFile(config))
      if (values.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
        return 0
      }
      const lines = [
        `file:        ${r.file} (${(r.bytes / 1024 / 1024).toFixed(1)} MB)`,
        `places:      ${r.places}`,
        `version:     ${r.version ?? '-'}`,
        `imported at: ${r.importedAt ?? '-'}`,
        `sources:     ${r.sources.length ? r.sources.join(', ') : '-'}`,
        'categories:',
        ...r.categories.map(c => `  ${String(c.places).padStart(9)}  ${c.category}`),
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
      return 0
    }
    case 'export': {
      const out = values.out ? createWriteStream(values.out, { fd: openOut(values.out) }) : process.stdout
      if (values.out) {
        out.on('error', err => {
          process.stderr.write(`cannot write ${values.out}: ${err.message}\n`)
          process.exit(1)
        })
      }
      const rows = await exportCatalogue(catalogueFile(config), async chunk => {
        if (!out.write(chunk)) await once(out, 'drain')
      })
      if (values.out) {
        out.end()
        await once(out, 'finish')
        process.stderr.write(`Exported ${rows} places to ${values.out}.\n`)
      }
      return 0
    }
    default:
      throw new UsageError(`unknown command ${command}`)
  }
}

main().then(
  code => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof UsageError) return reportUsage(err, USAGE)
    const unchanged = positionals[0] === 'import' || positionals[0] === 'refresh' ? 'Nothing was changed: ' : ''
    const known = isAppError(err) || err instanceof CommandError
    process.stderr.write(`${unchanged}${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`)
    // 75 (EX_TEMPFAIL): another import or refresh is running; try again later or pass --wait.
    process.exitCode = isAppError(err, 'CATALOGUE_BUSY') ? 75 : 1
  },
)
