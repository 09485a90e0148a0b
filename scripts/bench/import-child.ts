/**
 * One catalogue import in a process of its own, so its peak memory is the import's:
 *   node --import tsx import-child.ts <source.csv> <new.sqlite>
 * Prints one JSON line: accepted, refused, seconds, peak and baseline RSS (MB).
 */
import { openDb } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'

const [source, dbFile] = process.argv.slice(2)
if (!source || !dbFile) {
  process.stderr.write('usage: import-child.ts <source> <db>\n')
  process.exit(2)
}
const baselineMb = process.memoryUsage.rss() / 1048576
const db = openDb(dbFile, { create: true })
const t0 = performance.now()
const report = importFile(db, source)
const seconds = (performance.now() - t0) / 1000
db.close()
// maxRSS is in kilobytes: the high-water mark of the whole process.
const peakMb = process.resourceUsage().maxRSS / 1024
process.stdout.write(`${JSON.stringify({ accepted: report.accepted, refused: report.refused.length, seconds, peakMb, baselineMb })}\n`)
