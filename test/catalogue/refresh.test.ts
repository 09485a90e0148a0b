// Case 13 runs the server in UTC: set before anything reads the clock's zone.
process.env.TZ = 'UTC'

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { LiveCatalogue } from '../../src/catalogue/live-catalogue.js'
import { buildFileOf, rebuildCatalogue } from '../../src/catalogue/rebuild.js'
import { CatalogueRefresh, type RefreshLogger } from '../../src/catalogue/refresh.js'
import { loadConfig } from '../../src/config.js'
import { projectRoot } from '../../src/project-root.js'
import { RefreshJobs } from '../../src/refresh-jobs.js'
import { UserState } from '../../src/state/user-state.js'
import { makeApp } from '../helpers/app.js'
import { CASES, DATA } from '../helpers/paths.js'
import { readReply } from '../helpers/xml.js'

const CASE12 = `${CASES}/12-sqlite-busy-during-refresh`
const CASE13 = `${CASES}/13-cron-overlap-timezone`
const V1 = `${CASE12}/catalogue-v1.csv`
const V2 = `${CASE12}/catalogue-v2.csv`
const ACCOUNT = JSON.parse(readFileSync(`${CASES}/test-account.json`, 'utf8')) as { token: string }
const REQUESTS = JSON.parse(readFileSync(`${CASE12}/requests.json`, 'utf8')).requests as {
  id: string
  query: Record<string, string>
  body: string
}[]
const SCHEDULE = JSON.parse(readFileSync(`${CASE13}/schedule.json`, 'utf8')) as {
  nightly: { cron: string; timezone: string }
  overlap_test: { cron: string; timezone: string; job_duration_s: number }
  fake_clock_start: string
}
const LIMITS = { timeoutMs: 10_000, maxBytes: 1 << 20 }

/** Log lines as the refresh writes them, for assertions. */
function captureLog(): RefreshLogger & { lines: { level: string; details: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = []
  const at = (level: string) => (details: Record<string, unknown>, message: string) => void lines.push({ level, details, message })
  return { lines, info: at('info'), warn: at('warn'), error: at('error') }
}

/** A promise and the function that settles it: lets a test hold a refresh at its swap. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>(resolve => (open = resolve))
  let reached!: () => void
  const arrived = new Promise<void>(resolve => (reached = resolve))
  return { open, arrived, hook: async () => (reached(), opened) }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Sends one of case 12's signed location messages; returns the hotel names of the reply, in order. */
async function ask(app: Awaited<ReturnType<typeof makeApp>>['app'], id: string): Promise<string[]> {
  const req = REQUESTS.find(r => r.id === id)!
  const res = await app.inject({
    method: 'POST',
    url: '/wechat',
    query: req.query,
    headers: { 'content-type': 'text/xml' },
    payload: readFileSync(`${CASE12}/${req.body}`, 'utf8'),
  })
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`)
  const reply = readReply(res.body)
  if (reply.ToUserName !== 'oUser_test1' || reply.FromUserName !== 'gh_test' || reply.MsgType !== 'news') {
    throw new Error(`not the expected reply: ${res.body}`)
  }
  const item = reply.Articles.item[0]
  const names = [...String(item.Description).matchAll(/^\d+\. (.+?) · /gm)].map(m => m[1]!)
  if (!String(item.Title).includes(`离您最近：${names[0]}`)) throw new Error(`title and list disagree: ${res.body}`)
  return names
}

const caseApp = (t: Parameters<typeof makeApp>[0], dir: string) => makeApp(t, dir, [V1], { WECHAT_TOKEN: ACCOUNT.token })

t.test('case 12: during a held refresh only v1 answers; after the swap only v2', async t => {
  const dir = t.testdir()
  const { app, catalogue, dbFile } = await caseApp(t, dir)
  const v1Bytes = sha(dbFile)
  const v1Inode = statSync(dbFile).ino
  const log = captureLog()
  const held = gate()
  const refresh = new CatalogueRefresh({
    file: dbFile,
    sources: [{ location: V2 }],
    cron: '30 3 * * *',
    timezone: 'Asia/Shanghai',
    minRatio: 0.5,
    limits: LIMITS,
    log,
    beforeSwap: held.hook,
    onSwapped: () => catalogue.reopen(),
  })
  const run = refresh.runNow()
  await held.arrived

  t.same(await ask(app, 'during'), ['Old Alpha Hotel', 'Old Bravo Hotel', 'Old Charlie Hotel'])
  t.same(await ask(app, 'during-2'), ['Old Alpha Hotel', 'Old Bravo Hotel', 'Old Charlie Hotel'])
  t.equal(sha(dbFile), v1Bytes, 'the live file was not written during the build')
  t.ok(existsSync(buildFileOf(dbFile)), 'the new catalogue is built in a separate file beside it')
  t.equal(refresh.status().running, true)

  held.open()
  const outcome = await run
  t.match(outcome, { trigger: 'manual', ok: true, places: 3, previousPlaces: 3 })
  t.same(await ask(app, 'after'), ['New Delta Hotel', 'New Echo Hotel', 'New Foxtrot Hotel'])
  t.not(statSync(dbFile).ino, v1Inode, 'swapped in by rename')
  t.notOk(existsSync(buildFileOf(dbFile)))
  t.equal(catalogue.current.db.pragma('journal_mode', { simple: true }), 'delete', 'no WAL log beside a swapped file')
  t.match(log.lines.map(l => l.message), ['catalogue refresh started', 'catalogue refreshed'])
})

/** Runs the fixture rebuild in a child process, waits until it says it is held, and kills it. */
async function killHeld(t: Test, file: string, source: string, point: 'swap' | 'build'): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'test/fixtures/held-rebuild.ts'), file, source, point], {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', d => (err += d))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', d => {
      out += d
      if (out.includes('held')) resolve()
    })
    child.once('exit', code => reject(new Error(`the rebuild ended (${code}) before it was held: ${out} ${err}`)))
  })
  child.kill('SIGKILL')
  const [, signal] = (await once(child, 'exit')) as [number | null, string | null]
  t.equal(signal, 'SIGKILL', `killed while held at the ${point}`)
}

for (const point of ['swap', 'build'] as const) {
  t.test(`case 12: a refresh killed ${point === 'swap' ? 'just before the swap' : 'half-way through the build'} leaves v1 serving, whole`, async t => {
    const dir = t.testdir()
    const { app, dbFile } = await caseApp(t, dir)
    const before = sha(dbFile)
    const source = point === 'swap' ? V2 : `${DATA}/world_poi_osm_benchmark.csv`
    await killHeld(t, dbFile, source, point)
    t.ok(existsSync(buildFileOf(dbFile)), 'the killed build left its file behind')

    t.same(await ask(app, 'after'), ['Old Alpha Hotel', 'Old Bravo Hotel', 'Old Charlie Hotel'])
    t.equal(sha(dbFile), before, 'the live file is byte for byte what it was')
    const reopened = new LiveCatalogue(dbFile)
    t.teardown(() => reopened.close())
    t.equal(reopened.stats().places, 3, 'a restarted server finds exactly the 3 v1 rows')

    // The killed process's lock died with it: the next refresh runs and cleans up.
    const report = await rebuildCatalogue(dbFile, [{ location: V2 }], { limits: LIMITS })
    t.equal(report.places, 3)
    t.notOk(existsSync(buildFileOf(dbFile)), 'the leftover build file is gone')
    // A new message (another MsgId): 'after' itself was answered already, and a retry gets that answer again.
    t.same(await ask(app, 'during'), ['New Delta Hotel', 'New Echo Hotel', 'New Foxtrot Hotel'], 'the server follows the swap by itself')
  })
}

t.test('a failed refresh logs why and leaves the catalogue untouched', async t => {
  const dir = t.testdir()
  const { app, dbFile } = await caseApp(t, dir)
  const before = sha(dbFile)
  const tiny = join(dir, 'tiny.csv')
  writeFileSync(tiny, 'id,name,lat,lng\nz1,Only One,31.23,121.47\n')
  const bad = join(dir, 'bad.csv')
  writeFileSync(bad, 'id,name,lat,lng\nz1,,31.23,121.47\n')
  const empty = join(dir, 'empty.csv')
  writeFileSync(empty, '')
  const nul = join(dir, 'nul.csv')
  writeFileSync(nul, 'id,name,lat,lng\nz1,A\u0000B,31.23,121.47\n')
  const unclosed = join(dir, 'unclosed.csv')
  writeFileSync(unclosed, 'id,name,lat,lng\nz1,Alpha,31.23,121.47\nz2,"Bravo,31.23,121.47\nz3,Charlie,31.23,121.47\n')
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const cases = [
    { sources: [{ location: join(dir, 'missing.csv') }], code: 'IMPORT_BAD_FILE', reason: /cannot read .*missing\.csv/ },
    {
      sources: [{ location: tiny }],
      code: 'REFRESH_FAILED',
      reason: /1 places, fewer than 50% of the current 3; the current one is kept\. If the smaller catalogue is right: npm run catalogue -- refresh --force, or a lower REFRESH_MIN_RATIO$/,
    },
    { sources: [{ location: bad }], code: 'IMPORT_BAD_ROW', reason: /no valid rows/ },
    { sources: [{ location: V2 }, { location: bad }], code: 'IMPORT_BAD_ROW', reason: /bad\.csv: no valid rows/ },
    // Several sources: each file-level refusal names its source, not only the row-level ones.
    { sources: [{ location: V2 }, { location: empty }], code: 'IMPORT_BAD_FILE', reason: new RegExp(`^${escape(empty)}: .*empty`) },
    { sources: [{ location: V2 }, { location: nul }], code: 'IMPORT_BAD_FILE', reason: new RegExp(`^${escape(nul)}: .*NUL`) },
    { sources: [{ location: V2 }, { location: unclosed }], code: 'IMPORT_BAD_FILE', reason: new RegExp(`^${escape(unclosed)}: CSV cannot be read \\(line 3\\)`) },
    { sources: [{ location: V2, options: { strict: true } }, { location: tiny, options: { strict: true } }], ok: true },
  ]
  for (const c of cases) {
    const log = captureLog()
    const refresh = new CatalogueRefresh({ file: dbFile, sources: c.sources, cron: '30 3 * * *', timezone: 'Asia/Shanghai', minRatio: 0.5, limits: LIMITS, log })
    const outcome = await refresh.runNow()
    if (c.ok) {
      t.match(outcome, { ok: true, places: 4 }, 'two sources: the second adds to the first')
      continue
    }
    t.match(outcome, { ok: false, code: c.code, error: c.reason })
    t.match(log.lines.at(-1), { level: 'error', message: 'catalogue refresh failed; the current catalogue keeps serving', details: { code: c.code } })
    t.equal(sha(dbFile), before, `${c.code}: untouched`)
    t.notOk(existsSync(buildFileOf(dbFile)))
    t.same(await ask(app, 'after'), ['Old Alpha Hotel', 'Old Bravo Hotel', 'Old Charlie Hotel'])
  }
})

t.test('case 13: in a UTC process the nightly run is 03:00 Shanghai = 19:00Z, once a day', async t => {
  t.equal(new Date(2024, 4, 29).getTimezoneOffset(), 0, 'the process runs in UTC')
  const { cron, timezone } = SCHEDULE.nightly
  const runs: string[] = []
  const refresh = new CatalogueRefresh({
    file: 'unused.sqlite',
    sources: [],
    cron,
    timezone,
    minRatio: 0.5,
    limits: LIMITS,
    log: captureLog(),
    run: async at => void runs.push(at.toISOString()),
  })
  const start = new Date(SCHEDULE.fake_clock_start)
  t.equal(refresh.nextRunAfter(start)?.toISOString(), '2024-05-29T19:00:00.000Z')
  const day = refresh.runsBetween(start, new Date(start.getTime() + 24 * 3600_000))
  t.same(day.map(d => d.toISOString()), ['2024-05-29T19:00:00.000Z'], 'one run in 24 hours')
  t.notOk(refresh.matches(new Date('2024-05-30T03:00:00Z')), 'not again at 03:00 UTC')
  for (const at of day) await refresh.tick(at)
  t.same(runs, ['2024-05-29T19:00:00.000Z'])

  // The defaults: 03:30 in Shanghai.
  const config = loadConfig({})
  t.match(config.refresh, { cron: '30 3 * * *', timezone: 'Asia/Shanghai', minRatio: 0.5 })
  const nightly = new CatalogueRefresh({ ...config.refresh, cron: config.refresh.cron!, file: 'x', sources: [], limits: LIMITS, log: captureLog() })
  t.equal(nightly.nextRunAfter(start)?.toISOString(), '2024-05-29T19:30:00.000Z')
})

/** A clock the test moves by hand; sleep() resolves when it is moved past the wake-up time. */
class FakeClock {
  #sleepers: { at: number; wake: () => void }[] = []
  constructor(public t: number) {}
  now = (): number => this.t
  sleep(ms: number): Promise<void> {
    return new Promise(wake => this.#sleepers.push({ at: this.t + ms, wake }))
  }
  /** Moves to `t`, waking each sleeper at its own time on the way. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      const due = this.#sleepers.filter(s => s.at <= t).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.#sleepers = this.#sleepers.filter(s => s !== due)
      this.t = due.at
      due.wake()
      // Let the woken run finish its bookkeeping (a turn of the event loop, not real time).
      await new Promise(resolve => setImmediate(resolve))
    }
    this.t = t
  }
}

/** Drives the ticks node-cron would deliver between two instants, on the fake clock. */
async function drive(refresh: CatalogueRefresh, clock: FakeClock, until: number): Promise<void> {
  for (const at of refresh.runsBetween(new Date(clock.t), new Date(until))) {
    await clock.advanceTo(at.getTime())
    void refresh.tick(at)
    await new Promise(resolve => setImmediate(resolve))
  }
  await clock.advanceTo(until)
}

t.test('case 13: a 150 s run every minute starts at minute 0 and 3; minutes 1 and 2 are skipped and logged', async t => {
  const { cron, timezone, job_duration_s } = SCHEDULE.overlap_test
  const clock = new FakeClock(Date.parse(SCHEDULE.fake_clock_start))
  const started: string[] = []
  const log = captureLog()
  const refresh = new CatalogueRefresh({
    file: 'unused.sqlite',
    sources: [],
    cron,
    timezone,
    minRatio: 0.5,
    limits: LIMITS,
    log,
    now: clock.now,
    run: async () => {
      started.push(new Date(clock.t).toISOString())
      await clock.sleep(job_duration_s * 1000)
    },
  })
  await drive(refresh, clock, Date.parse('2024-05-29T19:03:30Z'))
  t.same(started, ['2024-05-29T19:00:00.000Z', '2024-05-29T19:03:00.000Z'])
  const skipped = log.lines.filter(l => l.level === 'warn')
  t.same(
    skipped.map(l => [l.message, l.details.scheduledFor, l.details.runningSince]),
    [
      ['catalogue refresh skipped: the previous run is still going', '2024-05-29T19:01:00.000Z', '2024-05-29T19:00:00.000Z'],
      ['catalogue refresh skipped: the previous run is still going', '2024-05-29T19:02:00.000Z', '2024-05-29T19:00:00.000Z'],
    ],
  )
  t.match(refresh.status(), { running: true, runningSince: '2024-05-29T19:03:00.000Z', skipped: 2, nextRun: '2024-05-29T19:04:00.000Z' })
  t.match(refresh.status().lastRun, { ok: true, trigger: 'schedule', scheduledFor: '2024-05-29T19:00:00.000Z', finishedAt: '2024-05-29T19:02:30.000Z' })
})

t.test('case 13: a run that throws or rejects at minute 0 does not block minute 1', async t => {
  for (const failure of ['rejects', 'throws'] as const) {
    const clock = new FakeClock(Date.parse(SCHEDULE.fake_clock_start))
    const started: string[] = []
    const log = captureLog()
    const refresh = new CatalogueRefresh({
      file: 'unused.sqlite',
      sources: [],
      cron: SCHEDULE.overlap_test.cron,
      timezone: SCHEDULE.overlap_test.timezone,
      minRatio: 0.5,
      limits: LIMITS,
      log,
      now: clock.now,
      run: (() => {
        started.push(new Date(clock.t).toISOString())
        if (started.length > 1) return Promise.resolve()
        if (failure === 'throws') throw new Error('source server down')
        return Promise.reject(new Error('source server down'))
      }) as () => Promise<void>,
    })
    await drive(refresh, clock, Date.parse('2024-05-29T19:01:30Z'))
    t.same(started, ['2024-05-29T19:00:00.000Z', '2024-05-29T19:01:00.000Z'], failure)
    t.match(log.lines.find(l => l.level === 'error'), { details: { reason: 'source server down' } })
    t.match(refresh.status(), { running: false, skipped: 0, lastRun: { ok: true, scheduledFor: '2024-05-29T19:01:00.000Z' } })
  }
})

t.test('case 13: a manual import while a scheduled refresh runs is refused; the catalogue ends with one import', async t => {
  const dir = t.testdir()
  const { dbFile, catalogue } = await caseApp(t, dir)
  const held = gate()
  const log = captureLog()
  const refresh = new CatalogueRefresh({
    file: dbFile,
    sources: [{ location: V2 }],
    cron: '* * * * *',
    timezone: 'Asia/Shanghai',
    minRatio: 0.5,
    limits: LIMITS,
    log,
    beforeSwap: held.hook,
  })
  const scheduled = refresh.tick(new Date('2024-05-29T19:00:00Z'))
  await held.arrived
  await t.rejects(rebuildCatalogue(dbFile, [{ location: V1 }], { limits: LIMITS }), { code: 'CATALOGUE_BUSY' }, 'the manual import is refused')
  t.match(await refresh.runNow(), { ok: false, code: 'CATALOGUE_BUSY' }, 'so is a manual refresh in the same process')
  held.open()
  await scheduled
  t.match(refresh.status().lastRun, { ok: true, places: 3 })
  t.same(
    catalogue.current.db.prepare('SELECT id FROM places ORDER BY id').all(),
    [{ id: 'b1' }, { id: 'b2' }, { id: 'b3' }],
    'exactly the rows of the scheduled import',
  )
})

/** Serves `routes` on a loopback port for the test's duration. */
async function serve(t: Test, routes: Record<string, (res: import('node:http').ServerResponse) => void>): Promise<string> {
  const server: Server = createServer((req, res) => {
    const route = routes[req.url ?? '']
    if (route) return route(res)
    res.writeHead(404).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('sources can be URLs, fetched with a deadline and a size cap', async t => {
  const dir = t.testdir()
  const { app, dbFile } = await caseApp(t, dir)
  const base = await serve(t, {
    '/v2.csv': res => res.writeHead(200, { 'content-type': 'text/csv' }).end(readFileSync(V2)),
    '/huge.csv': res => res.writeHead(200).end(Buffer.alloc(2 << 20, 'a')),
    '/hangs.csv': () => undefined,
    '/login': res => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('\n<!doctype html><html><body>Sign in</body></html>'),
  })
  const attempt = (path: string, limits = LIMITS) => rebuildCatalogue(dbFile, [{ location: `${base}${path}` }], { limits })
  await t.rejects(attempt('/missing.csv'), { code: 'IMPORT_BAD_FILE', message: /HTTP 404/ })
  await t.rejects(attempt('/huge.csv'), { code: 'IMPORT_BAD_FILE', message: /more than the 1048576-byte limit/ })
  await t.rejects(attempt('/hangs.csv', { ...LIMITS, timeoutMs: 1 }), { code: 'IMPORT_BAD_FILE', message: /no answer within 1 ms/ })
  await t.rejects(attempt('/login'), {
    code: 'IMPORT_BAD_FILE',
    message: `cannot download ${base}/login: it returned a web page (HTML, text/html; charset=utf-8), not CSV or GeoJSON; use the address of the file itself`,
  })
  t.same(await ask(app, 'after'), ['Old Alpha Hotel', 'Old Bravo Hotel', 'Old Charlie Hotel'], 'none of them changed anything')
  t.match(await attempt('/v2.csv'), { places: 3, sources: [{ file: `${base}/v2.csv`, accepted: 3 }] })
  t.same(await ask(app, 'during'), ['New Delta Hotel', 'New Echo Hotel', 'New Foxtrot Hotel'], 'a new message sees v2')
})

t.test('the server wiring: sources from CATALOGUE_SOURCES, status on /healthz', async t => {
  const dir = t.testdir()
  const { dbFile } = await caseApp(t, dir)
  const config = loadConfig({ WECHAT_TOKEN: ACCOUNT.token, DB_FILE: dbFile, CATALOGUE_SOURCES: `${V2},${V1}`, REFRESH_MIN_RATIO: '0.9' })
  t.same(config.accounts[0]!.sources, [{ location: V2 }, { location: V1 }])
  const catalogue = new LiveCatalogue(dbFile)
  const catalogues = new Map([['default', catalogue]])
  const state = new UserState(':memory:')
  const now = () => Date.parse(SCHEDULE.fake_clock_start)
  const jobs = new RefreshJobs({ config, catalogues, log: captureLog(), now })
  const app = buildApp({ config, catalogues, state, refresh: jobs, now, logger: false })
  t.teardown(async () => {
    await app.close()
    await jobs.stop()
    catalogue.close()
    state.close()
  })
  const health = async () => (await app.inject({ method: 'GET', url: '/healthz' })).json()
  const first = await health()
  t.match(first.catalogues.default, {
    places: 3,
    refresh: { cron: '30 3 * * *', timezone: 'Asia/Shanghai', sources: 2, running: false, nextRun: '2024-05-29T19:30:00.000Z', lastRun: null },
  })
  const outcome = await jobs.forAccount('default')!.runNow()
  t.match(outcome, { ok: true, places: 6 })
  const after = await health()
  t.match(after.catalogues.default, {
    places: 6,
    version: outcome.version,
    refresh: { lastRun: { ok: true, places: 6, previousPlaces: 3, startedAt: '2024-05-29T18:59:50.000Z' } },
  })
  t.equal(loadConfig({ REFRESH_CRON: 'off', CATALOGUE_SOURCES: V2 }).refresh.cron, undefined)
  const off = new RefreshJobs({ config: loadConfig({ REFRESH_CRON: 'off', CATALOGUE_SOURCES: V2, DB_FILE: dbFile }), catalogues, log: captureLog() })
  t.equal(off.status('default'), undefined, 'REFRESH_CRON=off schedules nothing')
})

t.test('an import with --merge builds from a copy of the live catalogue', async t => {
  const dir = t.testdir()
  const { app, dbFile, catalogue } = await caseApp(t, dir)
  const v1Version = catalogue.stats().version
  const report = await rebuildCatalogue(dbFile, [{ location: V2 }], { limits: LIMITS, merge: true })
  t.match(report, { places: 6, previous: { places: 3, version: v1Version } })
  t.not(report.version, v1Version)
  const { inspectCatalogue } = await import('../../src/catalogue/inspect.js')
  t.same(inspectCatalogue(dbFile).sources, [V1, V2], 'the merged catalogue lists both files')
  // The reply lists the nearest five of the six, both files interleaved by distance.
  t.same(await ask(app, 'after'), ['New Delta Hotel', 'Old Alpha Hotel', 'New Echo Hotel', 'Old Bravo Hotel', 'New Foxtrot Hotel'])
})

t.test('a catalogue left in WAL mode by an earlier version is folded back before it is served or replaced', async t => {
  const dir = t.testdir()
  const dbFile = join(dir, 'old.sqlite')
  const { openDb } = await import('../../src/catalogue/db.js')
  const { importFile } = await import('../../src/catalogue/import.js')
  const old = openDb(dbFile, { create: true })
  importFile(old, V1)
  t.equal(old.pragma('journal_mode = WAL', { simple: true }), 'wal')
  old.close()
  const live = new LiveCatalogue(dbFile)
  t.teardown(() => live.close())
  t.equal(live.stats().places, 3)
  t.notOk(existsSync(`${dbFile}-wal`), 'no WAL log left beside it')
  await rebuildCatalogue(dbFile, [{ location: V2 }], { limits: LIMITS })
  t.same(
    live.inBox({ minLat: 31, maxLat: 32, minLng: 121, maxLng: 122 }).map(p => p.id).sort(),
    ['b1', 'b2', 'b3'],
  )
})

t.test('refresh jobs are per catalogue file: accounts sharing one share its refresh and sources', async t => {
  const { catalogueJobs } = await import('../../src/refresh-jobs.js')
  const base = loadConfig({})
  const account = (id: string, dbFile: string, sources: { location: string }[] = []) => ({ ...base.accounts[0]!, id, dbFile, sources })
  const config = {
    ...base,
    accounts: [account('a', 'data/shared.sqlite', [{ location: V1 }]), account('b', './data/shared.sqlite'), account('c', 'data/c.sqlite')],
  }
  t.same(
    catalogueJobs(config).map(j => [j.file, j.sources.map(s => s.location), j.accounts]),
    [
      ['data/shared.sqlite', [V1], ['a', 'b']],
      ['data/c.sqlite', [], ['c']],
    ],
  )
  const clash = { ...config, accounts: [account('a', 'x.sqlite', [{ location: V1 }]), account('b', 'x.sqlite', [{ location: V2 }])] }
  t.throws(() => catalogueJobs(clash), { code: 'CONFIG_INVALID', message: /share the catalogue x\.sqlite but list different sources/ })
})

t.test('a scheduled refresh logs what each source gave, with the first refused rows, and /healthz counts them', async t => {
  const dir = t.testdir()
  const { dbFile } = await caseApp(t, dir)
  const gbk = `${CASES}/17-csv-encoding/hotels-gbk.csv`
  const config = loadConfig({ WECHAT_TOKEN: ACCOUNT.token, DB_FILE: dbFile, CATALOGUE_SOURCES: `${V2},${gbk}` })
  const catalogue = new LiveCatalogue(dbFile)
  const catalogues = new Map([['default', catalogue]])
  const state = new UserState(':memory:')
  const log = captureLog()
  const jobs = new RefreshJobs({ config, catalogues, log, now: () => Date.parse(SCHEDULE.fake_clock_start) })
  const app = buildApp({ config, catalogues, state, refresh: jobs, logger: false })
  t.teardown(async () => {
    await app.close()
    await jobs.stop()
    catalogue.close()
    state.close()
  })
  await jobs.forAccount('default')!.tick(new Date('2024-05-29T19:30:00Z'))
  const sources = [
    { source: V2, accepted: 3, refused: 0 },
    { source: gbk, accepted: 3, refused: 1 },
  ]
  t.same(
    log.lines.filter(l => l.level === 'warn').map(l => [l.message, l.details]),
    [
      [
        'catalogue refresh refused rows',
        {
          file: dbFile,
          source: gbk,
          accepted: 3,
          refused: 1,
          first: [{ line: 5, reason: 'latitude 121.473701 is outside -90..90 (latitude and longitude look swapped)' }],
        },
      ],
    ],
  )
  t.match(log.lines.at(-1), { level: 'info', message: 'catalogue refreshed', details: { places: 6, refused: 1, sources } })
  const health = (await app.inject({ method: 'GET', url: '/healthz' })).json()
  t.match(health.catalogues.default.refresh.lastRun, { ok: true, trigger: 'schedule', places: 6, refused: 1, sources })
})

t.test('a server catalogue that follows a swap made by another process says so once, with both versions', async t => {
  const dir = t.testdir()
  const { dbFile } = await caseApp(t, dir)
  const switches: unknown[] = []
  const live = new LiveCatalogue(dbFile, { onSwitch: change => switches.push(change) })
  t.teardown(() => live.close())
  const before = live.stats()
  // As `npm run catalogue -- import` does it: a new file renamed over the live one.
  const report = await rebuildCatalogue(dbFile, [{ location: V2 }], { limits: LIMITS })
  t.same(switches, [], 'nothing happens until the catalogue is next asked')
  t.equal(live.stats().places, 3)
  live.byId('b1')
  t.same(switches, [{ file: dbFile, from: { version: before.version, places: 3 }, to: { version: report.version, places: 3 } }])
  t.not(report.version, before.version)
})
