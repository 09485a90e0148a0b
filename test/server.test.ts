import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { rebuildCatalogue } from '../src/catalogue/rebuild.js'
import { projectRoot } from '../src/project-root.js'
import { buildGazetteer } from './helpers/app.js'

const DEMO_CATALOGUE = join(projectRoot(), 'data/demo-catalogue.csv')
const DEMO_GAZETTEER = join(projectRoot(), 'data/demo-gazetteer.csv')

const run = promisify(execFile)

/**
 * Starts the server as an operator would, with `env` only; for the start-up refusals tested
 * here it exits before listening. PORT=0 in case it does not.
 */
async function start(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

// Every case starts a process (tsx compiles on the fly): give a loaded machine room.
t.setTimeout(120_000)

t.test('start-up refusals are one line naming the setting, exit status 1, no stack', async t => {
  const dir = t.testdir({ 'notes.txt': 'not a database\n'.repeat(50) })
  const text = join(dir, 'notes.txt')
  // A real catalogue and gazetteer, to point the other settings at.
  const catalogue = join(dir, 'catalogue.sqlite')
  await rebuildCatalogue(catalogue, [{ location: DEMO_CATALOGUE }], { limits: { timeoutMs: 1000, maxBytes: 1 << 20 } })
  buildGazetteer(join(dir, 'g.sqlite'), [DEMO_GAZETTEER]).close()
  const base = { GAZETTEER_FILE: join(dir, 'g.sqlite'), STATE_FILE: join(dir, 's.sqlite'), DB_FILE: catalogue }
  const prod = { NODE_ENV: 'production', WECHAT_TOKEN: 'prodToken2025' }
  const holder = createServer().listen(0, '127.0.0.1')
  await once(holder, 'listening')
  t.teardown(() => void holder.close())
  const taken = (holder.address() as AddressInfo).port
  const cases: [string, Record<string, string>, string][] = [
    ['a text file as DB_FILE', { ...base, DB_FILE: text }, `DB_FILE=${text} is not a catalogue database (not an SQLite database)`],
    ['a text file as GAZETTEER_FILE', { ...base, GAZETTEER_FILE: text }, `GAZETTEER_FILE=${text} is not a gazetteer database (not an SQLite database)`],
    ['a text file as STATE_FILE', { ...base, STATE_FILE: text }, `STATE_FILE=${text} is not a state file (not an SQLite database)`],
    ['the catalogue as STATE_FILE', { ...base, STATE_FILE: catalogue }, `STATE_FILE=${catalogue} is not a state file (it holds a catalogue)`],
    ['the gazetteer as DB_FILE', { ...base, DB_FILE: base.GAZETTEER_FILE }, `DB_FILE=${base.GAZETTEER_FILE} is not a catalogue database (an SQLite database without a places table)`],
    ['a directory as DB_FILE', { ...base, DB_FILE: dir }, `DB_FILE=${dir} is not a catalogue database (it is a directory)`],
    [
      'a missing catalogue in production',
      { ...base, ...prod, DB_FILE: join(dir, 'typo.sqlite') },
      `DB_FILE=${join(dir, 'typo.sqlite')} does not exist; with NODE_ENV=production the demo catalogue is not built in its place.`,
    ],
    [
      'a missing gazetteer in production',
      { ...base, ...prod, GAZETTEER_FILE: join(dir, 'typo-g.sqlite') },
      `GAZETTEER_FILE=${join(dir, 'typo-g.sqlite')} does not exist; with NODE_ENV=production the demo gazetteer is not built in its place.`,
    ],
    [
      'a catalogue whose source is missing',
      { ...base, DB_FILE: join(dir, 'new.sqlite'), CATALOGUE_SOURCES: join(dir, 'missing.csv') },
      `DB_FILE=${join(dir, 'new.sqlite')} does not exist and could not be built from its sources: cannot read ${join(dir, 'missing.csv')}`,
    ],
    ['an empty PORT', { ...base, PORT: '' }, 'Invalid configuration:\n  - PORT is set but empty'],
    ['a port already taken', { ...base, HOST: '127.0.0.1', PORT: String(taken) }, `127.0.0.1:${taken} is already in use (another server running?); stop it or set PORT to a free port.`],
  ]
  const results = await Promise.all(cases.map(([, env]) => start(env)))
  cases.forEach(([name, , message], i) => {
    const r = results[i]!
    t.equal(r.code, 1, `${name}: exit status`)
    t.equal(r.stderr.startsWith(message), true, `${name}: ${r.stderr}`)
    t.notMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`)
  })
  t.equal(readFileSync(text, 'utf8'), 'not a database\n'.repeat(50), 'the text file was not touched')
})
