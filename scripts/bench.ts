/**
 * npm run bench [-- --only webhook,nearest,text,import,safe] [--quick] [--duration S] [--rounds N]
 *
 * Measures the product against its own ceilings in the same run (so the ratios mean something on
 * a shared, noisy machine), prints one table and writes the same figures as JSON to bench/out/.
 * Loopback only; every server it starts is stopped by it; generated data lives in a temporary
 * folder that is removed at the end. See README, "Performance".
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/project-root.js'
import { benchImport } from './bench/import.js'
import { benchNearest } from './bench/nearest.js'
import { killAll } from './bench/proc.js'
import { renderMarkdown, renderTable, type SectionReport } from './bench/report.js'
import { benchSafeMode } from './bench/safe-mode.js'
import { benchTextQuery } from './bench/text-query.js'
import { benchWebhook } from './bench/webhook.js'
import { Workspace } from './bench/workspace.js'

const SECTIONS = ['webhook', 'nearest', 'text', 'import', 'safe'] as const
type Section = (typeof SECTIONS)[number]

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rounds: { type: 'string' },
  },
})

const only = new Set<Section>((values.only?.split(',').map(s => s.trim()) ?? SECTIONS) as Section[])
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; use ${SECTIONS.join(', ')}`)
const quick = values.quick
const durationS = Number(values.duration ?? (quick ? 3 : 6))
const rounds = Number(values.rounds ?? (quick ? 1 : 2))
if (!(durationS > 0 && durationS <= 15)) throw new Error('--duration must be from 1 to 15 seconds')
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]
const big = quick ? 100_000 : 1_000_000

process.once('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}

async function main(): Promise<void> {
  const started = performance.now()
  const ws = new Workspace()
  const reports: SectionReport[] = []
  const step = async (name: Section, run: () => SectionReport | Promise<SectionReport>) => {
    if (!only.has(name)) return
    const t0 = performance.now()
    process.stderr.write(`bench: ${name} …\n`)
    try {
      reports.push(await run())
    } catch (err) {
      reports.push({
        section: name,
        rows: [{ section: name, case: 'run', result: (err as Error).message.split('\n')[0]!, status: 'failed' }],
        data: { error: String((err as Error).stack ?? err) },
        notes: [],
      })
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
  }
  try {
    await step('nearest', () => benchNearest(ws, { sizes, queries: 2000, rounds: 3 }))
    await step('webhook', () => benchWebhook(ws, { durationS, rounds, connections: 50, bigSize: big }))
    await step('text', () => benchTextQuery(ws, { queries: quick ? 500 : 2000 }))
    await step('import', () => benchImport(ws, { bigSize: big }))
    await step('safe', () => benchSafeMode(ws, { messages: quick ? 2000 : 8000 }))
  } finally {
    ws.remove()
  }

  const rows = reports.flatMap(r => r.rows)
  const seconds = (performance.now() - started) / 1000
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg().map(x => x.toFixed(1)).join(' ')}, node ${process.version}`
  const out = join(projectRoot(), 'bench/out')
  mkdirSync(out, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const json = { at: new Date().toISOString(), seconds, machine, settings: { durationS, rounds, sizes, quick }, sections: reports }
  writeFileSync(join(out, `bench-${stamp}.json`), JSON.stringify(json, null, 2))
  writeFileSync(join(out, 'latest.json'), JSON.stringify(json, null, 2))
  writeFileSync(join(out, 'latest.md'), renderMarkdown(rows) + '\n')
  process.stdout.write(`\n${renderTable(rows)}\n\n`)
  for (const r of reports) for (const note of r.notes) process.stdout.write(`${r.section}: ${note}\n`)
  process.stdout.write(`\n${machine}; ${seconds.toFixed(0)} s. Figures: bench/out/latest.json (and latest.md).\n`)
}

main().catch(err => {
  killAll()
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
})
