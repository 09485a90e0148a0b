import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { Gazetteer } from '../../src/catalogue/gazetteer.js'
import { projectRoot } from '../../src/project-root.js'
import { nameKey } from '../../src/text/fold.js'
import { runScript } from '../helpers/cli.js'
import { DATA } from '../helpers/paths.js'

const DEMO_GAZETTEER = join(projectRoot(), 'data/demo-gazetteer.csv')
const STATIONS = `${DATA}/shanghai_metro_stations_2017.csv`

const importGazetteer = (args: string[], env: Record<string, string> = {}) => runScript('scripts/import-gazetteer.ts', args, env)

// Every case starts a process (tsx compiles on the fly): give a loaded machine room.
t.setTimeout(120_000)

t.test('npm run import:gazetteer: --db, --merge, and usage mistakes as one line', async t => {
  const dir = t.testdir()
  const env = { GAZETTEER_FILE: join(dir, 'from-env.sqlite') }
  const file = join(dir, 'g.sqlite')
  const [unknown, none] = await Promise.all([importGazetteer(['--bogus', DEMO_GAZETTEER], env), importGazetteer([], env)])
  t.same([unknown.code, unknown.stderr.split('\n')[0], unknown.stderr.split('\n')[1]], [2, 'unknown option --bogus', 'usage: npm run import:gazetteer -- <file.csv> [more.csv …] [--merge] [--db FILE] [--wait]'])
  t.same([none.code, none.stderr.split('\n')[0]], [2, 'name at least one file to import'])

  const first = await importGazetteer([DEMO_GAZETTEER, '--db', file], env)
  t.equal(first.code, 0, first.stderr)
  t.equal(first.stdout, `${DEMO_GAZETTEER}: Nearby gazetteer CSV, 38 names imported.\nThe gazetteer ${file} now holds 38 places; built in ${/built in ([\d.]+ s)/.exec(first.stdout)?.[1]}.\nA running server switches to it with its next typed request.\n`)
  t.notOk(existsSync(env.GAZETTEER_FILE), '--db names the file instead of GAZETTEER_FILE')

  const merged = await importGazetteer([STATIONS, '--merge', '--db', file], env)
  t.equal(merged.code, 0, merged.stderr)
  t.match(merged.stdout, `${STATIONS}: metro stations, 302 names imported.\nThe gazetteer ${file} now holds 340 places (was 38)`)
  const g = new Gazetteer(file, { readonly: true })
  t.teardown(() => g.close())
  t.equal(g.named(nameKey('外滩'))[0]?.id, 'demo-g01')
  t.equal(g.named(nameKey('龙阳路'))[0]?.kind, 'station')
})
