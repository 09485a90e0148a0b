/**
 * One catalogue import in a process of its own, so its peak memory is the import's:
 *   node --import tsx import-child.ts <source.csv> <new.sqlite>
 * It takes the operator's path (`npm run import`): a build file beside the target, the reading
 * thread, the checks and the swap. Prints one JSON line: accepted, refused, seconds, peak and
 * baseline RSS (MB).
 */
import { rebuildCatalogue } from '../../src/catalogue/rebuild.js'

const [source, dbFile] = process.argv.slice(2)
if (!source || !dbFile) {
  process.stderr.write('usage: import-child.ts <source> <db>\n')
  process.exit(2)
}
const baselineMb = process.memoryUsage.rss() / 1048576
const t0 = performance.now()
// Generous limits: the benchmark's own files are local and trusted.
const report = await rebuildCatalogue(dbFile, [{ location: source }], { limits: { timeoutMs: 600_000, maxBytes: 2 ** 31 } })
const seconds = (performance.now() - t0) / 1000
const accepted = report.sources.reduce((n, s) => n + s.accepted, 0)
const refused = report.sources.reduce((n, s) => n + s.refusedCount, 0)
// maxRSS is in kilobytes: the high-water mark of the whole process.
const peakMb = process.resourceUsage().maxRSS / 1024
process.stdout.write(`${JSON.stringify({ accepted, refused, seconds, peakMb, baselineMb })}\n`)
