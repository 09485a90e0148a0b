/**
 * Text query (place name → reply) p50/p99 on the full Shanghai data (the OSM catalogue, and a
 * gazetteer of its landmarks, Wikidata places, metro stations and districts), through the
 * webhook in process. Should a build answer typed names with the help text, the row says so.
 */
import { readFileSync } from 'node:fs'
import { openDb } from '../../src/catalogue/db.js'
import { importGazetteer } from '../../src/catalogue/gazetteer-import.js'
import { GAZETTEER_DB } from '../../src/catalogue/gazetteer-schema.js'
import { parse } from 'csv-parse/sync'
import { HELP_TEXT } from '../../src/http/copy.js'
import { sign } from '../../src/wechat/signature.js'
import { catalogueFromFile } from './catalogue-files.js'
import { inProcessApp, timeAsync } from './in-process.js'
import { newSection, type SectionReport } from './report.js'
import { ms, seeded, summarise } from './stats.js'
import type { Workspace } from './workspace.js'

export interface TextSettings {
  readonly queries: number
}

const TOKEN = 'nearbyBenchToken'

export async function benchTextQuery(ws: Workspace, settings: TextSettings): Promise<SectionReport> {
  const section = newSection('text query')
  const { dbFile, gazetteerFile, texts } = prepare(ws)
  const { app, close } = await inProcessApp(dbFile, { WECHAT_TOKEN: TOKEN }, gazetteerFile)
  try {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const send = async (i: number) => {
      const nonce = String(3_000_000 + i)
      const text = texts[i % texts.length]!
      const res = await app.inject({
        method: 'POST',
        url: '/wechat',
        query: { signature: sign(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'oUser_bench_text' },
        headers: { 'content-type': 'text/xml' },
        payload:
          `<xml>\n<ToUserName><![CDATA[gh_bench_account]]></ToUserName>\n<FromUserName><![CDATA[oUser_bench_text]]></FromUserName>\n` +
          `<CreateTime>${timestamp}</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n` +
          `<Content><![CDATA[${text}]]></Content>\n<MsgId>${7_500_000_000_000_000_000n + BigInt(i)}</MsgId>\n</xml>`,
      })
      return res.body
    }
    const first = await send(0)
    const helpOnly = first.includes(HELP_TEXT.slice(0, 12))
    await timeAsync(Math.min(300, settings.queries), send)
    const t = summarise(await timeAsync(settings.queries, i => send(i + 1)))
    section.rows.push({
      section: 'text query',
      case: 'place name -> reply',
      result: helpOnly ? 'answered with the help text' : `p50 ${ms(t.p50)}, p99 ${ms(t.p99)}`,
      reference: helpOnly ? `help-text reply: p50 ${ms(t.p50)}, p99 ${ms(t.p99)}` : '',
      status: helpOnly ? 'failed' : 'info',
    })
    section.data.available = !helpOnly
    section.data.timing = t
    section.notes.push(
      `${settings.queries} requests cycling through ${texts.length} typed place names (catalogue names, landmarks and stations, some with a category word), ` +
        'resolved against the Shanghai gazetteer, through the app in process.',
    )
    return section
  } finally {
    await close()
  }
}

/** The Shanghai catalogue and gazetteer, and what people would type: names of places and landmarks there. */
function prepare(ws: Workspace): { dbFile: string; gazetteerFile: string; texts: string[] } {
  const dbFile = ws.file('text-query.sqlite')
  catalogueFromFile(dbFile, ws.shared('shanghai_poi_osm.csv'))
  const gazetteerFile = ws.file('text-query-gazetteer.sqlite')
  const gdb = openDb(gazetteerFile, { create: true }, GAZETTEER_DB)
  const gazetteerSources = ['shanghai_landmarks_osm.csv', 'shanghai_places_wikidata.csv', 'shanghai_metro_stations_2017.csv', 'shanghai_admin_divisions.csv']
  importGazetteer(gdb, gazetteerSources.map(f => ws.shared(f)))
  gdb.close()
  const rnd = seeded(31)
  const names: string[] = []
  for (const file of ['shanghai_poi_osm.csv', 'shanghai_landmarks_osm.csv', 'shanghai_metro_stations_2017.csv']) {
    const rows = parse(readFileSync(ws.shared(file)), { columns: true }) as Record<string, string>[]
    for (const r of rows) {
      const name = r.name_zh || r.name || ''
      if (name) names.push(name)
    }
  }
  const words = ['', '', ' 咖啡', ' 酒店', '附近的餐厅 ']
  const texts = Array.from({ length: 1000 }, (_, i) => {
    const name = names[Math.floor(rnd() * names.length)]!
    const word = words[i % words.length]!
    return word.endsWith(' ') ? `${word}${name}` : `${name}${word}`
  })
  return { dbFile, gazetteerFile, texts }
}
