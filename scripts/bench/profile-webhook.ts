/**
 * One webhook server under the benchmark's load, for finding where its time goes:
 *   npx tsx scripts/bench/profile-webhook.ts [--catalogue shanghai|world|big] [--size 1000000]
 *     [--server product|xml|http] [--seconds 6] [--warmup 1] [--connections 50] [--prof | --perf]
 *     [--dir DIR] [--env K=V …]
 * The references replay the product's reply: run the product once first with the same --dir.
 * Prints requests/s, p50/p99 and the server's own CPU time per request (user + system, from
 * /proc; Linux only), which is steadier than requests/s on a shared machine. With --prof the
 * server runs under `node --cpu-prof` and the hottest frames are printed (profile-top.ts). With
 * --perf (Linux perf installed), `perf record` samples the server's on-CPU time instead, kernel
 * included, which a wall-clock profile on a busy machine blurs (the time a process waits for a
 * core is charged to whatever it ran last, often the socket write).
 * Catalogues are built in DIR (a temporary folder by default, removed at the end); pass a
 * folder of your own to keep them between runs.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parse } from 'csv-parse/sync'
import { wgs84ToGcj02 } from '../../src/geo/datum.js'
import { projectRoot } from '../../src/project-root.js'
import { catalogueFromFile, catalogueFromPoints } from './catalogue-files.js'
import { locationPushes, runLoad } from './load.js'
import { killAll, startServer, type RunningServer } from './proc.js'
import { BENCH_TOKEN, startProduct, startReference } from './servers.js'
import { int, ms, seeded } from './stats.js'
import { around, cityCentres, clusteredPoints, type Point } from './synthetic.js'
import { CLUSTER_TOWNS } from './workspace.js'

const { values } = parseArgs({
  options: {
    catalogue: { type: 'string', default: 'world' },
    size: { type: 'string', default: '1000000' },
    server: { type: 'string', default: 'product' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    prof: { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
    dir: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
})

const data = resolve(projectRoot(), '../shared/data')
const own = !values.dir
const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'nearby-profile-'))
mkdirSync(dir, { recursive: true })
process.once('exit', killAll)

function catalogue(): { dbFile: string; points: Point[] } {
  const rnd = seeded(21)
  if (values.catalogue === 'big') {
    const n = Number(values.size)
    const set = clusteredPoints(n, cityCentres(join(data, 'world_cities_geonames.csv'), CLUSTER_TOWNS), `c${n}-`)
    const dbFile = join(dir, `clustered-${n}.sqlite`)
    if (!existsSync(dbFile)) catalogueFromPoints(dbFile, set)
    const points = Array.from({ length: 5000 }, () => {
      const i = Math.floor(rnd() * set.lat.length)
      return wgs84ToGcj02(around({ lat: set.lat[i]!, lng: set.lng[i]! }, 300, rnd))
    })
    return { dbFile, points }
  }
  const csv = join(data, values.catalogue === 'shanghai' ? 'shanghai_poi_osm.csv' : 'world_poi_osm_benchmark.csv')
  const dbFile = join(dir, `${values.catalogue}.sqlite`)
  if (!existsSync(dbFile)) catalogueFromFile(dbFile, csv)
  const rows = parse(readFileSync(csv), { columns: true }) as Record<string, string>[]
  const points = Array.from({ length: 5000 }, () => {
    const r = rows[Math.floor(rnd() * rows.length)]!
    return wgs84ToGcj02(around({ lat: Number(r.lat), lng: Number(r.lon) }, 300, rnd))
  })
  return { dbFile, points }
}

/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
const CLOCK_TICKS = 100

/**
 * User + system CPU time of a process (or with `thread`, of one of its threads) so far, in
 * milliseconds (Linux /proc; undefined elsewhere).
 */
function cpuMs(pid: number, thread?: number, only?: 'user' | 'system'): number | undefined {
  try {
    const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ')
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    const user = Number(fields[11])
    const system = Number(fields[12])
    return ((only === 'user' ? user : only === 'system' ? system : user + system) * 1000) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

async function main(): Promise<void> {
  const { dbFile, points } = catalogue()
  const profDir = join(dir, `profiles-${Date.now()}`)
  const env = Object.fromEntries(values.env.map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
  let server: RunningServer
  if (values.server === 'product') {
    server = await startProduct({
      dbFile,
      stateFile: join(dir, `state-${process.pid}.sqlite`),
      env,
      nodeArgs: values.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : values.perf ? ['--perf-basic-prof'] : [],
    })
  } else {
    // The references replay a real reply of the product's size.
    const replyFile = join(dir, 'reply.xml')
    if (!existsSync(replyFile)) throw new Error('run once with --server product first: the references replay its reply')
    server = values.prof
      ? await startServer({
          command: process.execPath,
          args: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', 'tsx', join(projectRoot(), 'scripts/bench/ref-server.ts'), values.server!, replyFile, BENCH_TOKEN],
          cwd: projectRoot(),
          ready: /listening on (\d+)/,
        })
      : await startReference(values.server as 'xml' | 'http', replyFile)
  }
  try {
    const next = locationPushes(points, BENCH_TOKEN)
    if (values.server === 'product') {
      const push = next()
      const res = await fetch(`http://127.0.0.1:${server.port}${push.path}`, { method: 'POST', body: push.body })
      writeFileSync(join(dir, 'reply.xml'), await res.text())
    }
    await runLoad({ port: server.port, connections: Number(values.connections), durationS: Number(values.warmup), warmupS: 0, next })
    const perfData = join(dir, `perf-${process.pid}.data`)
    const recorder = values.perf
      ? spawn('perf', ['record', '-e', 'cpu-clock', '-F', '997', '-g', '-p', String(server.pid), '-o', perfData], { stdio: 'ignore' })
      : undefined
    const before = cpuMs(server.pid)
    const mainBefore = cpuMs(server.pid, server.pid)
    const systemBefore = cpuMs(server.pid, undefined, 'system')
    const r = await runLoad({ port: server.port, connections: Number(values.connections), durationS: Number(values.seconds), warmupS: 0, next })
    const after = cpuMs(server.pid)
    const mainAfter = cpuMs(server.pid, server.pid)
    if (recorder) {
      recorder.kill('SIGINT')
      await new Promise(resolve => recorder.once('exit', resolve))
    }
    const systemAfter = cpuMs(server.pid, undefined, 'system')
    const us = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? (((b - a) * 1000) / r.requests).toFixed(0) : '?')
    const perRequest = `${us(before, after)} µs CPU per request (main thread ${us(mainBefore, mainAfter)}, system ${us(systemBefore, systemAfter)})`
    process.stdout.write(`${values.server} ${values.catalogue}: ${int(r.rps)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, ${perRequest}` +
      `${r.errors || r.non2xx ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : ''}\n`)
  } finally {
    await server.stop()
  }
  if (values.perf) {
    // --perf-basic-prof also leaves V8's code log in the working folder.
    for (const f of readdirSync(projectRoot())) if (/^isolate-.*-v8\.log$/.test(f)) rmSync(join(projectRoot(), f), { force: true })
    const perfData = join(dir, `perf-${process.pid}.data`)
    for (const sort of ['sym', 'dso', 'tid']) {
      const report = spawnSync('perf', ['report', '-i', perfData, '--stdio', '--no-children', '--sort', sort, '--percent-limit', '0.4', '-g', 'none'], { encoding: 'utf8' })
      process.stdout.write(report.stdout.split('\n').filter(l => l && !l.startsWith('#')).join('\n') + '\n\n')
    }
    if (!values.dir) rmSync(perfData, { force: true })
  }
  if (values.prof && existsSync(profDir)) {
    for (const f of readdirSync(profDir)) {
      spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'scripts/bench/profile-top.ts'), join(profDir, f), '--top', '40'], { stdio: 'inherit' })
    }
  }
  if (own) rmSync(dir, { recursive: true, force: true })
}

main().catch(err => {
  killAll()
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
})
