/**
 * npm run import:gazetteer -- <file.csv> [more.csv …] [--merge]
 * Loads place names into the gazetteer named by GAZETTEER_FILE (default data/gazetteer.sqlite).
 * Recognised layouts: the project's own (data/demo-gazetteer.csv), OSM landmarks, Wikidata
 * places, metro stations, administrative divisions (see src/catalogue/gazetteer-sources.ts).
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb } from '../src/catalogue/db.js'
import { importGazetteer } from '../src/catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from '../src/catalogue/gazetteer-schema.js'
import { describe } from '../src/catalogue/import.js'
import { loadConfig } from '../src/config.js'
import { isAppError } from '../src/errors.js'

const USAGE = 'usage: npm run import:gazetteer -- <file.csv> [more.csv …] [--merge]'

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { merge: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const config = loadConfig()
  mkdirSync(dirname(resolve(config.gazetteerFile)), { recursive: true })
  const db = openDb(config.gazetteerFile, { create: true }, GAZETTEER_DB)
  try {
    const started = performance.now()
    const report = importGazetteer(db, positionals, { merge: values.merge })
    const seconds = (performance.now() - started) / 1000
    for (const f of report.files) {
      process.stdout.write(`${f.file}: ${f.layout}, ${f.accepted} names imported`)
      process.stdout.write(f.refused.length > 0 ? `, ${f.refused.length} left out:\n${describe({ refused: f.refused, refusedCount: f.refused.length }, 5)}\n` : '.\n')
    }
    process.stdout.write(`The gazetteer ${config.gazetteerFile} now holds ${report.total} places (${seconds.toFixed(2)} s).\n`)
    process.stdout.write('Restart the server to use it.\n')
    return 0
  } finally {
    db.close()
  }
}

try {
  process.exitCode = main()
} catch (err) {
  process.stderr.write(`Gazetteer import failed, nothing was changed.\n${isAppError(err) ? err.message : String(err)}\n`)
  process.exitCode = 1
}
