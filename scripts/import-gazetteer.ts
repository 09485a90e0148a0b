/**
 * npm run import:gazetteer -- <file.csv> [more.csv …] [--merge] [--db FILE] [--wait]
 * Loads place names into the gazetteer named by GAZETTEER_FILE (default data/gazetteer.sqlite),
 * or by --db. Recognised layouts: the project's own (data/demo-gazetteer.csv), OSM landmarks,
 * Wikidata places, metro stations, administrative divisions (see src/catalogue/gazetteer-sources.ts).
 * Like catalogue imports, it builds a new file beside the gazetteer and swaps it in when
 * complete: a running server keeps resolving names from the old one and then follows the swap.
 */
import { describe } from '../src/catalogue/import.js'
import { rebuildGazetteer } from '../src/catalogue/gazetteer-rebuild.js'
import { loadConfig } from '../src/config.js'
import { isAppError } from '../src/errors.js'
import { parseCommandLine, reportUsage, UsageError } from './cli-args.js'

const USAGE = `usage: npm run import:gazetteer -- <file.csv> [more.csv …] [--merge] [--db FILE] [--wait]
  --merge     add to / update the current gazetteer by id instead of replacing it
  --db FILE   this gazetteer file instead of GAZETTEER_FILE
  --wait      wait for a running gazetteer import instead of refusing`

/** The longest --wait for another import of the same gazetteer (ms). */
const WAIT_MS = 30 * 60_000

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({
    allowPositionals: true,
    options: {
      merge: { type: 'boolean', default: false },
      db: { type: 'string' },
      wait: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (positionals.length === 0) throw new UsageError('name at least one file to import')
  const file = values.db ?? loadConfig().gazetteerFile
  const started = performance.now()
  const report = await rebuildGazetteer(file, positionals, { merge: values.merge, waitMs: values.wait ? WAIT_MS : 0 })
  const seconds = (performance.now() - started) / 1000
  for (const f of report.files) {
    process.stdout.write(`${f.file}: ${f.layout}, ${f.accepted} names imported`)
    process.stdout.write(f.refused.length > 0 ? `, ${f.refused.length} left out:\n${describe({ refused: f.refused, refusedCount: f.refused.length }, 5)}\n` : '.\n')
  }
  const before = report.previous === undefined ? '' : ` (was ${report.previous})`
  process.stdout.write(`The gazetteer ${file} now holds ${report.total} places${before}; built in ${seconds.toFixed(2)} s.\n`)
  process.stdout.write('A running server switches to it with its next typed request.\n')
  return 0
}

main().then(
  code => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof UsageError) return reportUsage(err, USAGE)
    process.stderr.write(`Gazetteer import failed, nothing was changed.\n${isAppError(err) ? err.message : ((err as Error).stack ?? String(err))}\n`)
    // 75 (EX_TEMPFAIL): another import of this gazetteer is running; try again later or pass --wait.
    process.exitCode = isAppError(err, 'CATALOGUE_BUSY') ? 75 : 1
  },
)
