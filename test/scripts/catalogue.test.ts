import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { CatalogueLock } from '../../src/catalogue/lock.js'
import { buildFileOf } from '../../src/catalogue/rebuild.js'
import { projectRoot } from '../../src/project-root.js'
import { CASES, DATA } from '../helpers/paths.js'

const run = promisify(execFile)
const CASE17 = `${CASES}/17-csv-encoding/hotels-gbk.csv`
const V2 = `${CASES}/12-sqlite-busy-during-refresh/catalogue-v2.csv`
const WORLD = `${DATA}/world_poi_osm_benchmark.csv`

/** Runs `npm run catalogue -- …args` (without npm's own output) and returns what it printed. */
async function catalogue(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/catalogue.ts', ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH, ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

t.test('import, stats, export and refresh from the command line', async t => {
  const dbFile = join(t.testdir(), 'catalogue.sqlite')
  const env = { DB_FILE: dbFile, CATALOGUE_SOURCES: V2 }

  const imported = await catalogue(['import', CASE17], env)
  t.equal(imported.code, 0, imported.stderr)
  t.match(imported.stdout, `${CASE17} (gb18030): 3 accepted, 1 refused\n  line 5: latitude 121.473701 is outside -90..90`)
  t.match(imported.stdout, /now holds 3 places, version [0-9a-f]{16}/)

  const stats = await catalogue(['stats', '--json'], env)
  t.match(JSON.parse(stats.stdout), { file: dbFile, places: 3, categories: [{ category: 'hotel', places: 3 }], sources: [CASE17] })

  const exported = await catalogue(['export'], env)
  const rows = parse(exported.stdout, { columns: true }) as Record<string, string>[]
  t.same(rows.map(r => [r.id, r.name, r.crs]), [
    ['c1', '全季酒店(上海人民广场店)', 'wgs84'],
    ['c2', '亚朵酒店, "人民广场"店', 'wgs84'],
    ['c3', '桔子水晶酒店', 'wgs84'],
  ])

  // While another import or refresh holds the catalogue, the command refuses at once.
  const lock = CatalogueLock.acquire(dbFile)
  const busy = await catalogue(['refresh'], env)
  lock.release()
  t.equal(busy.code, 75)
  t.match(busy.stderr, /another import or refresh of .* is running/)

  const refreshed = await catalogue(['refresh'], env)
  t.equal(refreshed.code, 0, refreshed.stderr)
  t.match(refreshed.stdout, `${V2} (utf-8): 3 accepted, 0 refused\nThe catalogue ${dbFile} now holds 3 places (was 3)`)
})

/** Starts the catalogue command with pipes, for tests that talk to it while it runs. */
function startCatalogue(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/catalogue.ts', ...args], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', d => (stderr += d))
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stderr }))
  return { child, exited, stderr: () => stderr }
}

t.test('usage mistakes, a wrong --out or --db, and a pipe closed early are one line each', async t => {
  const dir = t.testdir({ 'notes.txt': 'not a catalogue\n' })
  const dbFile = join(dir, 'catalogue.sqlite')
  const env = { DB_FILE: dbFile }
  t.equal((await catalogue(['import', WORLD], env)).code, 0)

  const [unknown, badOut, textDb] = await Promise.all([
    catalogue(['stats', '--bogus'], env),
    catalogue(['export', '--out', join(dir, 'no-such-dir/x.csv')], env),
    catalogue(['import', V2, '--db', join(dir, 'notes.txt')], env),
  ])
  t.same([unknown.code, unknown.stderr.split('\n').slice(0, 2)], [2, ['unknown option --bogus', 'usage: npm run catalogue -- <command> [options]']])
  t.same([badOut.code, badOut.stderr], [1, `cannot write ${join(dir, 'no-such-dir/x.csv')}: no such directory\n`])
  t.same([textDb.code, textDb.stderr], [1, `Nothing was changed: ${join(dir, 'notes.txt')} is not a catalogue database (not an SQLite database)\n`])
  t.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'not a catalogue\n', 'a file that is not a catalogue is never replaced')

  // `export | head`: the reader goes away after the first chunk.
  const piped = startCatalogue(['export'], env)
  piped.child.stdout.once('data', () => piped.child.stdout.destroy())
  t.same(await piped.exited, { code: 0, signal: null, stderr: '' })
})

t.test('GeoJSON refusals are numbered by feature; a MultiPoint stands at its first point; a web page is refused as such', async t => {
  const dir = t.testdir()
  const env = { DB_FILE: join(dir, 'catalogue.sqlite') }
  const geo = join(dir, 'places.geojson')
  const feature = (id: string, name: string | undefined, geometry: unknown) => ({ type: 'Feature', properties: { id, name }, geometry })
  writeFileSync(
    geo,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        feature('m', 'Entrances', { type: 'MultiPoint', coordinates: [[121.47, 31.23], [121.48, 31.24], [121.49, 31.25]] }),
        feature('two', 'Two', { type: 'MultiPoint', coordinates: [[121.5, 31.2], [121.6, 31.3]] }),
        feature('m', 'Again', { type: 'Point', coordinates: [121.47, 31.23] }),
        feature('nameless', undefined, { type: 'Point', coordinates: [121.47, 31.23] }),
      ],
    }),
  )
  const imported = await catalogue(['import', geo], env)
  t.equal(imported.code, 0, imported.stderr)
  t.match(imported.stdout, `${geo} (json): 2 accepted, 2 refused\n  feature 3: duplicate id "m" (first in feature 1)\n  feature 4: missing name\n`)
  const rows = parse((await catalogue(['export'], env)).stdout, { columns: true }) as Record<string, string>[]
  t.same(rows.map(r => [r.id, r.lat, r.lng]), [['m', '31.23', '121.47'], ['two', '31.2', '121.5']])

  const page = join(dir, 'export.csv')
  writeFileSync(page, '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>\n')
  const refused = await catalogue(['import', page], env)
  t.same([refused.code, refused.stderr], [1, `Nothing was changed: ${page} is a web page (HTML), not CSV or GeoJSON\n`])
  const noName = join(dir, 'no-name.csv')
  writeFileSync(noName, 'id,category,lat,lng\n1,hotel,31.2,121.4\n')
  t.match((await catalogue(['import', noName], env)).stderr, 'a name column and lat and lng columns are required (id, category and the rest are optional)')
})

t.test('Ctrl-C during an import removes the build file and frees the lock; the catalogue is unchanged', async t => {
  const dir = t.testdir()
  const dbFile = join(dir, 'catalogue.sqlite')
  const env = { DB_FILE: dbFile }
  t.equal((await catalogue(['import', V2], env)).code, 0)
  const before = readFileSync(dbFile)
  // Large enough to be interrupted half-way: the progress line comes every 10,000 rows.
  const running = startCatalogue(['import', WORLD, WORLD], env)
  await new Promise<void>(resolve => {
    const check = () => (running.stderr().includes('rows read') ? resolve() : undefined)
    running.child.stderr.on('data', check)
  })
  t.ok(existsSync(buildFileOf(dbFile)), 'interrupted while building')
  running.child.kill('SIGINT')
  const { code, stderr } = await running.exited
  t.equal(code, 130)
  t.match(stderr, /\nimport interrupted \(SIGINT\), the catalogue is unchanged\.\n$/)
  t.notOk(existsSync(buildFileOf(dbFile)), 'the build file is gone')
  t.same(readFileSync(dbFile), before, 'the live file is byte for byte what it was')
  const lock = CatalogueLock.acquire(dbFile)
  lock.release()
})
