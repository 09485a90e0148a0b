/**
 * npm run eval:geocode [-- --data DIR] [--all]
 *
 * How well typed place names are resolved. From the shared Shanghai data it builds (query, true
 * point) pairs — every metro station by its Chinese and its English name, every district and
 * subdistrict that has coordinates, every named landmark — and resolves each through
 * `understand`, the same function the webhook answers text with, against a gazetteer and a
 * catalogue imported from the same files the server would use. Prints, per group, the share
 * resolved within 300 m of the truth, the median error and the failures.
 */
import { parse } from 'csv-parse/sync'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openDb } from '../src/catalogue/db.js'
import { Gazetteer } from '../src/catalogue/gazetteer.js'
import { importGazetteer } from '../src/catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from '../src/catalogue/gazetteer-schema.js'
import { importFile } from '../src/catalogue/import.js'
import { Catalogue } from '../src/catalogue/repository.js'
import { distanceM } from '../src/geo/distance.js'
import { projectRoot } from '../src/project-root.js'
import { understand } from '../src/recommend/understand.js'
import { parseCommandLine, reportUsage, type UsageError } from './cli-args.js'

const WITHIN_M = 300
const USAGE = 'usage: npm run eval:geocode [-- --data DIR] [--all]'
let parsed: { values: { data?: string; all: boolean } }
try {
  parsed = parseCommandLine({ options: { data: { type: 'string' }, all: { type: 'boolean', default: false } } })
} catch (err) {
  reportUsage(err as UsageError, USAGE)
  process.exit()
}
const { values } = parsed
const DATA = resolve(values.data ?? resolve(projectRoot(), '../shared/data'))
const CATALOGUE_FILE = 'shanghai_poi_osm.csv'
const GAZETTEER_FILES = ['shanghai_landmarks_osm.csv', 'shanghai_places_wikidata.csv', 'shanghai_metro_stations_2017.csv', 'shanghai_admin_divisions.csv']
const missing = [...GAZETTEER_FILES, CATALOGUE_FILE].filter(f => !existsSync(join(DATA, f)))
if (missing.length > 0) {
  process.stderr.write(`${DATA} lacks ${missing.join(', ')}: the evaluation reads the shared Shanghai data (../shared/data beside the checkout, or --data DIR).\n`)
  process.exit(1)
}

interface Probe {
  readonly group: string
  readonly query: string
  readonly lat: number
  readonly lng: number
}

type Row = Record<string, string>
const read = (file: string) => parse(readFileSync(join(DATA, file), 'utf8'), { columns: true, bom: true }) as Row[]

function probes(): Probe[] {
  const out: Probe[] = []
  const add = (group: string, query: string | undefined, lat: string | undefined, lng: string | undefined) => {
    if (query?.trim() && lat && lng) out.push({ group, query: query.trim(), lat: Number(lat), lng: Number(lng) })
  }
  for (const r of read('shanghai_metro_stations_2017.csv')) {
    add('stations (中文)', r.name_zh, r.lat, r.lon)
    add('stations (English)', r.name_en, r.lat, r.lon)
    // As people also type them: "人民广场站", "people's square station".
    add('stations, typed (…站, … station)', r.name_zh?.endsWith('站') ? r.name_zh : `${r.name_zh}站`, r.lat, r.lon)
    add('stations, typed (…站, … station)', `${r.name_en?.toLowerCase()} station`, r.lat, r.lon)
  }
  for (const r of read('shanghai_admin_divisions.csv')) {
    const group = r.level === 'district' ? 'districts' : 'subdistricts'
    add(group, r.name_zh, r.lat, r.lon)
    add(group, r.name_en, r.lat, r.lon)
    if (r.level === 'district') {
      // "黄浦", "Pudong": the short forms.
      add('districts, short (黄浦, Pudong)', r.name_zh?.replace(/(新区|区)$/, ''), r.lat, r.lon)
      add('districts, short (黄浦, Pudong)', r.name_en?.replace(/ (District|New Area)$/, ''), r.lat, r.lon)
    }
  }
  for (const r of read('shanghai_landmarks_osm.csv')) add('landmarks', r.name_zh || r.name, r.lat, r.lon)
  return out
}

interface Outcome {
  readonly probe: Probe
  readonly got: string | undefined
  readonly errorM: number
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'nearby-eval-'))
  try {
    const gazFile = join(dir, 'gazetteer.sqlite')
    const gdb = openDb(gazFile, { create: true }, GAZETTEER_DB)
    const report = importGazetteer(gdb, GAZETTEER_FILES.map(f => join(DATA, f)))
    gdb.close()
    const catFile = join(dir, 'catalogue.sqlite')
    const cdb = openDb(catFile, { create: true })
    const places = importFile(cdb, join(DATA, CATALOGUE_FILE)).total
    cdb.close()
    const gazetteer = new Gazetteer(gazFile)
    const catalogue = new Catalogue(catFile)
    process.stdout.write(`Gazetteer: ${report.total} names from ${GAZETTEER_FILES.length} files; catalogue: ${places} places (${DATA})\n\n`)

    const started = performance.now()
    const outcomes: Outcome[] = probes().map(probe => {
      const u = understand(probe.query, { gazetteer, catalogue })
      const c = u.centre
      return {
        probe,
        got: c ? `${c.name} (${c.kind}${c.detail ? `/${c.detail}` : ''})` : u.brand ? `brand ${u.brand.label} ×${u.brand.count}` : u.kind,
        errorM: c ? distanceM(c, probe) : Infinity,
      }
    })
    const ms = performance.now() - started

    const groups = [...new Set(outcomes.map(o => o.probe.group))]
    const rows: string[][] = [['group', 'queries', `within ${WITHIN_M} m`, 'share', 'median error', 'unresolved']]
    for (const g of groups) {
      const os = outcomes.filter(o => o.probe.group === g)
      const ok = os.filter(o => o.errorM <= WITHIN_M).length
      rows.push([g, String(os.length), String(ok), pct(ok, os.length), `${median(os.map(o => o.errorM)).toFixed(0)} m`, String(os.filter(o => !Number.isFinite(o.errorM)).length)])
    }
    const target = outcomes.filter(o => /^(stations|districts|subdistricts)/.test(o.probe.group))
    const targetOk = target.filter(o => o.errorM <= WITHIN_M).length
    rows.push(['stations + districts', String(target.length), String(targetOk), pct(targetOk, target.length), `${median(target.map(o => o.errorM)).toFixed(0)} m`, ''])
    process.stdout.write(table(rows) + '\n')
    process.stdout.write(`\n${outcomes.length} queries resolved in ${ms.toFixed(0)} ms (${((ms / outcomes.length) * 1000).toFixed(0)} µs each)\n`)

    for (const g of groups) {
      const failures = outcomes.filter(o => o.probe.group === g && o.errorM > WITHIN_M)
      if (failures.length === 0) continue
      const shown = values.all ? failures : failures.slice(0, 25)
      process.stdout.write(`\nFailures, ${g} (${failures.length}${shown.length < failures.length ? `, first ${shown.length}; --all for every one` : ''}):\n`)
      for (const f of shown) {
        const err = Number.isFinite(f.errorM) ? `${(f.errorM / 1000).toFixed(2)} km off` : 'not resolved'
        process.stdout.write(`  ${f.probe.query} → ${f.got} — ${err}\n`)
      }
    }
    gazetteer.close()
    catalogue.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function pct(a: number, b: number): string {
  return b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => [...(r[i] ?? '')].length)))
  return rows.map(r => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n')
}

main()
