/**
 * Import rows/s and peak memory, for the 64k OSM file and for 1M synthetic rows, each import in
 * a child process (its peak RSS is the import's, plus Node's own baseline, reported beside it).
 */
import { join } from 'node:path'
import { projectRoot } from '../../src/project-root.js'
import { label } from './nearest.js'
import { runJob } from './proc.js'
import { check, newSection, type SectionReport } from './report.js'
import { int } from './stats.js'
import { writeCsv } from './synthetic.js'
import type { Workspace } from './workspace.js'

export interface ImportSettings {
  readonly bigSize: number
}

const ROWS_PER_S_TARGET = 100_000
const PEAK_MB_TARGET = 500
const TIMEOUT_MS = 240_000

interface ChildReport {
  readonly accepted: number
  readonly refused: number
  readonly seconds: number
  readonly peakMb: number
  readonly baselineMb: number
}

export async function benchImport(ws: Workspace, settings: ImportSettings): Promise<SectionReport> {
  const section = newSection('import')
  const big = ws.file(`synthetic-${settings.bigSize}.csv`)
  writeCsv(big, ws.points('clustered', settings.bigSize))
  ws.drop('clustered', settings.bigSize)
  const runs: [string, string, boolean][] = [
    ['world OSM file (64k rows)', ws.shared('world_poi_osm_benchmark.csv'), false],
    [`${label(settings.bigSize)} synthetic rows`, big, true],
  ]
  for (const [name, source, isBig] of runs) {
    const db = ws.file(`import-${isBig ? 'big' : 'world'}.sqlite`)
    const job = await runJob(process.execPath, ['--import', 'tsx', join(projectRoot(), 'scripts/bench/import-child.ts'), source, db], {
      cwd: projectRoot(),
      timeoutMs: TIMEOUT_MS,
    })
    const line = job.stdout.trim().split('\n').pop() ?? ''
    if (job.code !== 0 || !line.startsWith('{')) {
      const why = job.code === null ? `killed after ${TIMEOUT_MS / 1000} s` : `exit ${job.code}: ${job.stderr.trim().split('\n').slice(-3).join(' / ')}`
      section.rows.push({ section: 'import', case: name, result: `failed (${why})`, status: 'failed' })
      section.data[name] = { failed: why }
      continue
    }
    const r = JSON.parse(line) as ChildReport
    const rate = r.accepted / r.seconds
    section.data[name] = { ...r, rowsPerS: rate }
    section.rows.push({
      section: 'import',
      case: name,
      result: `${int(rate)} rows/s (${int(r.accepted)} rows in ${r.seconds.toFixed(1)} s), peak ${int(r.peakMb)} MB`,
      reference: `node baseline ${int(r.baselineMb)} MB`,
      target: isBig ? `>= ${int(ROWS_PER_S_TARGET)} rows/s, peak < ${PEAK_MB_TARGET} MB` : `>= ${int(ROWS_PER_S_TARGET)} rows/s`,
      status: check(rate >= ROWS_PER_S_TARGET && (!isBig || r.peakMb < PEAK_MB_TARGET)),
    })
  }
  section.notes.push('Each import runs in its own process the way `npm run import` does it (src/catalogue/rebuild.ts: a build file, the reading thread, checks, the swap) into a new file; the time covers all of it.')
  return section
}
