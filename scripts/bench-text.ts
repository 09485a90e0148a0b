/**
 * npx tsx scripts/bench-text.ts [--data DIR] [--rounds N]
 *
 * Latency of answering typed requests on the full Shanghai data (the OSM catalogue, the four
 * gazetteer files). Each request goes through the whole webhook in-process — signature check,
 * XML parsing, understanding, ranking, reply XML — via fastify's inject, so no network is timed.
 * Prints p50 / p95 / p99 / max per request overall and the slowest queries. Run by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.js'
import { openDb } from '../src/catalogue/db.js'
import { Gazetteer } from '../src/catalogue/gazetteer.js'
import { importGazetteer } from '../src/catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from '../src/catalogue/gazetteer-schema.js'
import { importFile } from '../src/catalogue/import.js'
import { LiveCatalogue } from '../src/catalogue/live-catalogue.js'
import { loadConfig } from '../src/config.js'
import { projectRoot } from '../src/project-root.js'
import { UserState } from '../src/state/user-state.js'
import { sign } from '../src/wechat/signature.js'

const { values } = parseArgs({ options: { data: { type: 'string' }, rounds: { type: 'string', default: '40' } } })
const DATA = resolve(values.data ?? resolve(projectRoot(), '../shared/data'))
const ROUNDS = Math.max(1, Number(values.rounds) || 40)
const TOKEN = 'benchToken'

const QUERIES = [
  '南京路步行街', '南京东路', '人民广场', "People's Square", '静安寺站', "Jing'an Temple", '陆家嘴', '外滩', '豫园',
  '人民广场附近的咖啡', 'hotel near the Bund', '外滩 酒店', '星巴克', 'Starbucks', 'KFC 静安寺', '附近的酒店', '更多',
  '南京路附近有什么酒店推荐。', 'Nanjing Road', '徐家汇 银行', '浦东 超市', '静安寺肯德基', 'McDonalds near People Square',
  'Hilton-Garden', 'wifi:free', 'NEAR(Hilton', '汉庭"酒店', 'a'.repeat(2000), '🏨', 'asdfgh qwerty', '7.0',
]

const xml = (content: string, i: number) =>
  `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oUser_bench]]></FromUserName>` +
  `<CreateTime>1747303200</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
  `<Content><![CDATA[${content.replace(/]]>/g, ']]]]><![CDATA[>')}]]></Content><MsgId>${7_300_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nearby-bench-'))
  try {
    const dbFile = join(dir, 'catalogue.sqlite')
    const cdb = openDb(dbFile, { create: true })
    importFile(cdb, join(DATA, 'shanghai_poi_osm.csv'))
    cdb.close()
    const gazFile = join(dir, 'gazetteer.sqlite')
    const gdb = openDb(gazFile, { create: true }, GAZETTEER_DB)
    const files = ['shanghai_landmarks_osm.csv', 'shanghai_places_wikidata.csv', 'shanghai_metro_stations_2017.csv', 'shanghai_admin_divisions.csv']
    importGazetteer(gdb, files.map(f => join(DATA, f)))
    gdb.close()

    const config = loadConfig({ WECHAT_TOKEN: TOKEN, DB_FILE: dbFile, LOG_LEVEL: 'silent' })
    const catalogue = new LiveCatalogue(dbFile)
    const gazetteer = new Gazetteer(gazFile)
    const state = new UserState(join(dir, 'state.sqlite'))
    const app = buildApp({ config, catalogues: new Map([['default', catalogue]]), state, gazetteer, logger: false })
    const query = { signature: sign(TOKEN, '1747303200', '1'), timestamp: '1747303200', nonce: '1' }
    const post = (body: string) => app.inject({ method: 'POST', url: '/wechat', query, headers: { 'content-type': 'text/xml' }, payload: body })

    // A stored position, so that wishes without a place ("附近的酒店") are answered in full.
    state.setPosition('default', 'oUser_bench', { lat: 31.2387, lng: 121.4768, at: Date.now(), source: 'message' })

    let n = 0
    for (const q of QUERIES) await post(xml(q, n++)) // warm-up: JIT, statement caches
    const all: number[] = []
    const cpu: number[] = []
    const perQuery = new Map<string, number[]>(QUERIES.map(q => [q, []]))
    for (let r = 0; r < ROUNDS; r++) {
      for (const q of QUERIES) {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        const res = await post(xml(q, n++))
        const ms = performance.now() - t0
        const c = process.cpuUsage(c0)
        if (res.statusCode !== 200 || !res.body.startsWith('<xml>')) throw new Error(`unexpected reply to ${q}: ${res.statusCode} ${res.body.slice(0, 80)}`)
        all.push(ms)
        // CPU time of this process: on a busy machine, wall time also counts waiting for a core.
        cpu.push((c.user + c.system) / 1000)
        perQuery.get(q)!.push(ms)
      }
    }
    const line = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b)
      const p = (f: number) => s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)]!.toFixed(2)
      return `p50 ${p(0.5)} ms · p95 ${p(0.95)} ms · p99 ${p(0.99)} ms · max ${s.at(-1)!.toFixed(2)} ms`
    }
    process.stdout.write(`${all.length} text requests (${QUERIES.length} queries × ${ROUNDS} rounds), whole webhook in-process:\n`)
    process.stdout.write(`  wall: ${line(all)}\n  cpu:  ${line(cpu)}\n`)
    process.stdout.write('Slowest queries (median wall time):\n')
    const slow = [...perQuery].map(([q, xs]) => [q, [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!] as const)
    for (const [q, p50] of slow.sort((a, b) => b[1] - a[1]).slice(0, 6)) {
      process.stdout.write(`  ${p50.toFixed(2)} ms  ${q.length > 30 ? `${q.slice(0, 27)}…` : q}\n`)
    }
    await app.close()
    catalogue.close()
    gazetteer.close()
    state.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch(err => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
})
