import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { CatalogueLock } from '../../src/catalogue/lock.js'
import { buildFileOf, rebuildCatalogue } from '../../src/catalogue/rebuild.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { runScript, startScript } from '../helpers/cli.js'
import { CASES, DATA } from '../helpers/paths.js'

// The operator's mistakes and interruptions with `npm run catalogue` (the happy path is in catalogue.test.ts).
const V2 = `${CASES}/12-sqlite-busy-during-refresh/catalogue-v2.csv`
const WORLD = `${DATA}/world_poi_osm_benchmark.csv`
const SHANGHAI = `${DATA}/shanghai_poi_osm.csv`
const LIMITS = { timeoutMs: 10_000, maxBytes: 1 << 20 }

const catalogue = (args: string[], env: Record<string, string>) => runScript('scripts/catalogue.ts', args, env)
const startCatalogue = (args: string[], env: Record<string, string>) => startScript('scripts/catalogue.ts', args, env)

// Every case starts a process (tsx compiles on the fly): give a loaded machine room.
t.setTimeout(120_000)

t.test('usage mistakes, a wrong --out or --db, and a pipe closed early are one line each', async t => {
  const dir = t.testdir({ 'notes.txt': 'not a catalogue\n' })
  const dbFile = join(dir, 'catalogue.sqlite')
  const env = { DB_FILE: dbFile }
  // About 230 KB of CSV: more than a pipe holds, so the export is still writing when its reader leaves.
  await rebuildCatalogue(dbFile, [{ location: SHANGHAI }], { limits: LIMITS })

  // `export | head`: the reader goes away after the first chunk.
  const piped = startCatalogue(['export'], env)
  piped.child.stdout.once('data', () => piped.child.stdout.destroy())
  const [unknown, badOut, textDb] = await Promise.all([
    catalogue(['stats', '--bogus'], env),
    catalogue(['export', '--out', join(dir, 'no-such-dir/x.csv')], env),
    catalogue(['import', V2, '--db', join(dir, 'notes.txt')], env),
  ])
  t.same([unknown.code, unknown.stderr.split('\n').slice(0, 2)], [2, ['unknown option --bogus', 'usage: npm run catalogue -- <command> [options]']])
  t.same([badOut.code, badOut.stderr], [1, `cannot write ${join(dir, 'no-such-dir/x.csv')}: no such directory\n`])
  t.same([textDb.code, textDb.stderr], [1, `Nothing was changed: ${join(dir, 'notes.txt')} is not a catalogue database (not an SQLite database)\n`])
  t.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'not a catalogue\n', 'a file that is not a catalogue is never replaced')
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
  const page = join(dir, 'export.csv')
  writeFileSync(page, '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>\n')
  const noName = join(dir, 'no-name.csv')
  writeFileSync(noName, 'id,category,lat,lng\n1,hotel,31.2,121.4\n')
  // Each into its own file: one import at a time per catalogue.
  const [imported, refused, unnamed] = await Promise.all([
    catalogue(['import', geo], env),
    catalogue(['import', page, '--db', join(dir, 'page.sqlite')], env),
    catalogue(['import', noName, '--db', join(dir, 'no-name.sqlite')], env),
  ])
  t.equal(imported.code, 0, imported.stderr)
  t.match(imported.stdout, `${geo} (json): 2 accepted, 2 refused\n  feature 3: duplicate id "m" (first in feature 1)\n  feature 4: missing name\n`)
  const stored = new Catalogue(env.DB_FILE, { readonly: true })
  t.teardown(() => stored.close())
  t.match([stored.byId('m'), stored.byId('two')], [{ lat: 31.23, lng: 121.47 }, { lat: 31.2, lng: 121.5 }])
  t.same([refused.code, refused.stderr], [1, `Nothing was changed: ${page} is a web page (HTML), not CSV or GeoJSON\n`])
  t.match(unnamed.stderr, 'a name column and lat and lng columns are required (id, category and the rest are optional)')
})

t.test('Ctrl-C during an import removes the build file and frees the lock; the catalogue is unchanged', async t => {
  const dir = t.testdir()
  const dbFile = join(dir, 'catalogue.sqlite')
  const env = { DB_FILE: dbFile }
  await rebuildCatalogue(dbFile, [{ location: V2 }], { limits: LIMITS })
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
