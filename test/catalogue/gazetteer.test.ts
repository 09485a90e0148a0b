import Database from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDb } from '../../src/catalogue/db.js'
import { Gazetteer } from '../../src/catalogue/gazetteer.js'
import { importGazetteer } from '../../src/catalogue/gazetteer-import.js'
import { rebuildGazetteer } from '../../src/catalogue/gazetteer-rebuild.js'
import { LiveGazetteer } from '../../src/catalogue/live-gazetteer.js'
import { GAZETTEER_DB } from '../../src/catalogue/gazetteer-schema.js'
import { importFile } from '../../src/catalogue/import.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { projectRoot } from '../../src/project-root.js'
import { distanceM } from '../../src/geo/distance.js'
import { nameKey } from '../../src/text/fold.js'
import { DATA } from '../helpers/paths.js'

const DEMO_GAZETTEER = join(projectRoot(), 'data/demo-gazetteer.csv')
const SHARED_GAZETTEER = [
  `${DATA}/shanghai_landmarks_osm.csv`,
  `${DATA}/shanghai_places_wikidata.csv`,
  `${DATA}/shanghai_metro_stations_2017.csv`,
  `${DATA}/shanghai_admin_divisions.csv`,
]

function freshGazetteer(t: { testdir(): string }) {
  const dir = t.testdir()
  const file = join(dir, 'g.sqlite')
  return { dir, file, db: openDb(file, { create: true }, GAZETTEER_DB) }
}

const CATALOGUE = `${DATA}/shanghai_poi_osm.csv`
const rows = parse(readFileSync(CATALOGUE, 'utf8'), { columns: true }) as { id: string; name: string; name_zh: string; name_en: string }[]

const names = (rows: { name: string; kind: string; derived?: boolean }[]) => rows.map(r => `${r.name}/${r.kind}${r.derived ? '/short' : ''}`)

t.test('imports the four shared gazetteer files, each recognised by its header', async t => {
  const { file, db } = freshGazetteer(t)
  const report = importGazetteer(db, SHARED_GAZETTEER)
  db.close()
  t.same(
    report.files.map(f => [f.layout, f.accepted, f.refused.length]),
    [
      ['OSM landmarks', 1050, 0],
      ['Wikidata places', 1094, 22],
      ['metro stations', 302, 0],
      ['administrative divisions', 217, 33],
    ],
  )
  t.equal(report.total, 2663)
  const wikidataLeftOut = new Set(report.files[1]!.refused.map(r => r.reason))
  t.same([...wikidataLeftOut].sort(), ['no name', 'point outside Shanghai'])
  t.same([...new Set(report.files[3]!.refused.map(r => r.reason))], ['no coordinates'], '33 townships have no point')

  const g = new Gazetteer(file)
  t.teardown(() => g.close())
  t.same(names(g.named(nameKey('人民广场'))), ['人民广场/station', '人民广场/place'], 'a metro interchange before the Wikidata square')
  t.same(names(g.named(nameKey("People's Square"))), ['人民广场/station'])
  t.same(names(g.named(nameKey('外灘')).slice(0, 3)), ['外滩/landmark', '外滩/landmark', '外滩街道/subdistrict/short'])
  t.same(names(g.named(nameKey('黄浦'))), ['黄浦区/district/short'])
  t.same(names(g.named(nameKey('Pudong'))), ['浦东新区/district/short'])
  t.match(g.named(nameKey('人民广场'))[0], { id: 'metro:2035', detail: 'metro', prominence: 86, source: 'metroflow-2017', otherNames: "People's Square" })
  t.same(names(g.namedStartingWith(nameKey('nanjing road'), 5)), ['南京路步行街/landmark'])
  t.same(names(g.namedContaining(nameKey('步行街'), 5)), ['南京路步行街/landmark'])
  t.same(names(g.namedContaining(nameKey('外滩'), 3)), ['外滩/landmark', '上海外滩美术馆/landmark', '外滩历史纪念馆/landmark'], 'two characters, found by a scan')
  t.same(g.namedContaining(nameKey('"外滩" OR *'), 3), [], 'text is folded before any lookup: no query syntax survives')
  t.equal(g.stats().entries, 2663)
})

t.test('reads the project layout: other names, kinds, prominence; merges by id', async t => {
  const { dir, file, db } = freshGazetteer(t)
  const demo = importGazetteer(db, [DEMO_GAZETTEER])
  t.equal(demo.files[0]!.layout, 'Nearby gazetteer CSV')
  t.same(demo.files[0]!.refused, [])
  const extra = join(dir, 'extra.csv')
  writeFileSync(
    extra,
    [
      'id,name,other_names,kind,detail,lat,lng,prominence,source',
      'x1,东方广场,Test Plaza|東方廣場,landmark,,31.2,121.4,,ours',
      'demo-g01,外滩,The Bund,landmark,,31.2401,121.4856,91,ours',
      'x2,Nowhere,,volcano,,31.2,121.4,,ours',
      'x3,Nowhere,,place,,,121.4,,ours',
    ].join('\n'),
  )
  const merged = importGazetteer(db, [extra], { merge: true })
  t.same(merged.files[0]!.refused.map(r => r.line), [4, 5])
  t.match(merged.files[0]!.refused[0]!.reason, /kind "volcano" is not one of landmark, street, station/)
  db.close()
  const g = new Gazetteer(file)
  t.teardown(() => g.close())
  t.match(g.named(nameKey('東方廣場')), [{ id: 'x1', prominence: 75, source: 'ours' }], 'Traditional other names match, default prominence by kind')
  t.match(g.named(nameKey('the bund')), [{ id: 'demo-g01', prominence: 91, lat: 31.2401 }], 'replaced by id')
  t.equal(g.stats().entries, demo.total + 1)
})

t.test('an unknown layout or an unreadable file leaves the gazetteer as it was', async t => {
  const { dir, file, db } = freshGazetteer(t)
  importGazetteer(db, [DEMO_GAZETTEER])
  const bad = join(dir, 'bad.csv')
  writeFileSync(bad, 'foo,bar\n1,2\n')
  t.throws(() => importGazetteer(db, [`${DATA}/shanghai_metro_stations_2017.csv`, bad]), { code: 'IMPORT_BAD_FILE', message: /unknown gazetteer layout/ })
  t.throws(() => importGazetteer(db, [join(dir, 'missing.csv')]), { code: 'IMPORT_BAD_FILE' })
  db.close()
  const g = new Gazetteer(file)
  t.teardown(() => g.close())
  t.same(g.named(nameKey('人民广场')).map(r => r.id), ['demo-g04', 'demo-g05'], 'still the demo gazetteer only')
})

t.test('the gazetteer reads CSV as the catalogue does: a quote that never closes refuses the file at its line', async t => {
  const { dir, db } = freshGazetteer(t)
  const before = importGazetteer(db, [DEMO_GAZETTEER]).total
  const bad = join(dir, 'runaway.csv')
  writeFileSync(
    bad,
    [
      'id,name,other_names,kind,detail,lat,lng,prominence,source',
      'g1,One,,landmark,,31.1,121.1,,t',
      'g2,Two,,landmark,,31.2,121.2,,t',
      'g3,"Three,,landmark,,31.3,121.3,,t',
      'g4,Four,,landmark,,31.4,121.4,,t',
      'g5,"Five",,landmark,,31.5,121.5,,t',
    ].join('\n'),
  )
  t.throws(() => importGazetteer(db, [bad]), {
    code: 'IMPORT_BAD_FILE',
    message: /runaway\.csv: CSV cannot be read \(line 4\): Quote Not Closed: the row that starts on line 4 has a quoted field that runs on to line 6 without a proper closing quote/,
  })
  t.equal((db.prepare('SELECT count(*) AS n FROM gazetteer').get() as { n: number }).n, before, 'still the demo gazetteer')
})

t.test('catalogue places are found by name: exact, prefix, inside, short names', async t => {
  const file = join(t.testdir(), 'c.sqlite')
  const db = openDb(file, { create: true })
  importFile(db, CATALOGUE)
  db.close()
  const cat = new Catalogue(file)
  t.teardown(() => cat.close())
  t.equal(cat.placesNamed(nameKey('和平饭店南楼')).map(p => p.id).join(), 'osm:way/177998982')
  t.equal(cat.placesNamed(nameKey('Peace Hotel South Building')).map(p => p.id).join(), 'osm:way/177998982', 'by its English name too')
  t.equal(cat.placesNamedContaining(nameKey('星巴克'), 500).length, 56)
  t.equal(cat.placesNamedContaining(nameKey('Starbucks'), 500).length, 75)
  t.equal(cat.placesNamedContaining(nameKey('Starbucks'), 10).length, 10, 'limited')
  // Word start: "kfc" is found where a name has a word beginning with it, in any of its names.
  const kfc = cat.placesNamedContaining(nameKey('KFC'), 500).map(p => p.id).sort()
  const wordKfc = /(^|[^a-z0-9])kfc/i
  const expected = rows.filter(r => [r.name, r.name_zh, r.name_en].some(n => n && wordKfc.test(n))).map(r => r.id).sort()
  t.ok(expected.length > 40)
  t.same(kfc, expected)
  t.ok(cat.placesNamedContaining(nameKey('全家'), 500).length >= 40, 'two characters, by a scan')
  const byId = new Map(rows.map(r => [r.id, r]))
  const starting = cat.placesNamedStartingWith(nameKey('星巴克'), 500)
  t.ok(starting.length > 30)
  t.ok(starting.every(p => [byId.get(p.id)!.name, byId.get(p.id)!.name_zh].some(n => n?.startsWith('星巴克'))), 'one of its names starts with it')
  t.same(cat.placesNamedContaining(nameKey('"星巴克'), 3).length, 3, 'quotes are separators')
})

t.test('a catalogue file of the previous schema is refused with what to do', async t => {
  const dir = t.testdir()
  const file = join(dir, 'v1.sqlite')
  const old = new Database(file)
  old.exec('CREATE TABLE places (rowid INTEGER PRIMARY KEY, id TEXT)')
  old.pragma('user_version = 1')
  old.close()
  t.throws(() => new Catalogue(file), { code: 'CATALOGUE_SCHEMA', message: /schema version 1, this server needs 2; re-import the catalogue/ })
  t.throws(() => new Gazetteer(join(dir, 'none.sqlite')), { code: 'CATALOGUE_UNAVAILABLE', message: /gazetteer database .* does not exist/ })
})

t.test('a gazetteer import builds a new file and swaps it in; a live gazetteer follows without a restart', async t => {
  const dir = t.testdir({ 'notes.txt': 'not a gazetteer\n' })
  const file = join(dir, 'g.sqlite')
  const first = await rebuildGazetteer(file, [DEMO_GAZETTEER])
  t.match(first, { file, total: 38, previous: undefined })
  const switches: unknown[] = []
  const live = new LiveGazetteer(file, { onSwitch: s => switches.push(s) })
  t.teardown(() => live.close())
  t.same(live.named(nameKey('龙阳路')), [], 'not in the demo gazetteer')
  const inode = statSync(file).ino

  const merged = await rebuildGazetteer(file, [`${DATA}/shanghai_metro_stations_2017.csv`], { merge: true })
  t.match(merged, { total: 340, previous: 38 })
  t.not(statSync(file).ino, inode, 'swapped in by rename, never written in place')
  t.notOk(existsSync(`${file}.next`))
  t.same(switches, [])
  t.match(live.named(nameKey('龙阳路')), [{ kind: 'station', detail: 'metro' }], 'found after the swap')
  t.same(switches, [{ file, from: 38, to: 340 }])
  t.match(live.named(nameKey('外滩')), [{ id: 'demo-g01' }], 'a merge keeps what was there')

  const replaced = await rebuildGazetteer(file, [DEMO_GAZETTEER])
  t.match(replaced, { total: 38, previous: 340 })
  t.same(live.named(nameKey('龙阳路')), [], 'without --merge the files replace the gazetteer')

  const before = statSync(file).ino
  await t.rejects(rebuildGazetteer(file, [join(dir, 'missing.csv')]), { code: 'IMPORT_BAD_FILE' })
  t.equal(statSync(file).ino, before, 'a failed import changes nothing')
  t.notOk(existsSync(`${file}.next`))
  await t.rejects(rebuildGazetteer(join(dir, 'notes.txt'), [DEMO_GAZETTEER]), { code: 'WRONG_DATABASE' })
  t.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'not a gazetteer\n', 'a file that is not a gazetteer is never replaced')
})

t.test('the demo gazetteer and catalogue sit where the shared files put the same places', async t => {
  // Every demo row that shares a name (any spelling, folded) with a row of the OSM, Wikidata,
  // metro or division files is within 150 m of one of them. The README promises as much.
  const read = (f: string) => parse(readFileSync(f, 'utf8'), { columns: true }) as Record<string, string>[]
  const shared = [
    ...read(SHARED_GAZETTEER[0]!).map(r => ({ names: [r.name, r.name_zh, r.name_en, ...(r.alt_names ?? '').split('|')], lat: r.lat, lng: r.lon })),
    ...read(SHARED_GAZETTEER[1]!).map(r => ({ names: [r.label], lat: r.lat, lng: r.lon })),
    ...read(SHARED_GAZETTEER[2]!).map(r => ({ names: [r.name_zh, r.name_en], lat: r.lat, lng: r.lon })),
    ...read(SHARED_GAZETTEER[3]!).filter(r => r.lat).map(r => ({ names: [r.name_zh, r.name_en], lat: r.lat, lng: r.lon })),
    ...read(CATALOGUE).map(r => ({ names: [r.name, r.name_zh, r.name_en], lat: r.lat, lng: r.lon })),
  ].map(e => ({ keys: new Set(e.names.filter((n): n is string => !!n).map(nameKey)), lat: Number(e.lat), lng: Number(e.lng) }))
  // Wikidata gives 上海明天广场JW万豪酒店 as 31.2308, 121.47: rounded, south of People's Square;
  // the hotel is at Tomorrow Square, north-west of it.
  const exceptions = new Set(['demo-h11'])
  let checked = 0
  for (const [file, others] of [[DEMO_GAZETTEER, 'other_names'], [join(projectRoot(), 'data/demo-catalogue.csv'), 'name_en']] as const) {
    for (const r of read(file)) {
      if (exceptions.has(r.id!)) continue
      const keys = [r.name!, ...(r[others] ?? '').split('|')].filter(Boolean).map(nameKey)
      const at = { lat: Number(r.lat), lng: Number(r.lng) }
      const same = shared.filter(e => keys.some(k => e.keys.has(k)))
      if (same.length === 0) continue
      const nearest = Math.min(...same.map(e => distanceM(at, e)))
      t.ok(nearest <= 150, `${r.id} ${r.name}: ${Math.round(nearest)} m from the nearest place of that name`)
      checked++
    }
  }
  t.ok(checked >= 50, `${checked} rows checked`)
})
