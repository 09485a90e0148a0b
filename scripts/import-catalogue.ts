/**
 * npm run import -- <file.csv|file.geojson> [--strict] [--merge] [--datum wgs84|gcj02|bd09] [--source NAME] [--account ID]
 * Loads a catalogue file into the database named by DB_FILE (default data/catalogue.sqlite), or
 * with --account into that account's dbFile from ACCOUNTS_FILE.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb } from '../src/catalogue/db.js'
import { describe, importFile } from '../src/catalogue/import.js'
import { loadConfig } from '../src/config.js'
import { isAppError } from '../src/errors.js'
import type { Datum } from '../src/geo/datum.js'

const USAGE = 'usage: npm run import -- <file.csv|file.geojson> [--strict] [--merge] [--datum wgs84|gcj02|bd09] [--source NAME] [--account ID]'

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      strict: { type: 'boolean', default: false },
      merge: { type: 'boolean', default: false },
      datum: { type: 'string' },
      source: { type: 'string' },
      account: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const file = positionals[0]
  if (values.help || !file) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const datum = values.datum?.toLowerCase()
  if (datum !== undefined && !['wgs84', 'gcj02', 'bd09'].includes(datum)) {
    process.stderr.write(`--datum must be wgs84, gcj02 or bd09\n${USAGE}\n`)
    return 2
  }
  const config = loadConfig()
  let dbFile = config.dbFile
  if (values.account !== undefined) {
    const account = config.accounts.find(a => a.id === values.account)
    if (!account) {
      process.stderr.write(`no account "${values.account}"; configured: ${config.accounts.map(a => a.id).join(', ')}\n`)
      return 2
    }
    dbFile = account.dbFile
  }
  mkdirSync(dirname(resolve(dbFile)), { recursive: true })
  const db = openDb(dbFile, { create: true })
  try {
    const started = performance.now()
    const report = importFile(db, file, {
      strict: values.strict,
      merge: values.merge,
      datum: datum as Datum | undefined,
      source: values.source,
    })
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(
      `Imported ${report.accepted} places from ${file} (${report.encoding}) in ${seconds.toFixed(2)} s into ${dbFile}.\n`,
    )
    if (report.refused.length > 0) {
      process.stdout.write(`Refused ${report.refused.length} row(s):\n${describe(report.refused)}\n`)
    }
    process.stdout.write(`The catalogue now holds ${report.total} places.\n`)
    return 0
  } finally {
    db.close()
  }
}

try {
  process.exitCode = main()
} catch (err) {
  process.stderr.write(`Import failed, the catalogue is unchanged.\n${isAppError(err) ? err.message : String(err)}\n`)
  process.exitCode = 1
}
