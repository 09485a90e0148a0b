import { parse } from 'csv-parse/sync'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDb, type Db } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'
import { exportCatalogue } from '../../src/catalogue/inspect.js'
import { rebuildCatalogue } from '../../src/catalogue/rebuild.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { gcj02ToWgs84 } from '../../src/geo/datum.js'
import { nameKey } from '../../src/text/fold.js'
import { CASES, DATA } from '../helpers/paths.js'

/** A fresh catalogue file in its own test folder (t.testdir() empties the folder on each call). */
function tempDb(t: { testdir(): string }) {
  const dir = t.testdir()
  const file = join(dir, 'c.sqlite')
  return { dir, file, db: openDb(file, { create: true }) }
}

const TEXT_COLUMNS = ['id', 'name', 'name_zh', 'name_en', 'category', 'address', 'phone', 'url', 'picture_url', 'source']
/** Every stored value of every place, in id order (the rowid is storage detail, left out). */
const allRows = (db: Db) =>
  db.prepare(`SELECT ${TEXT_COLUMNS.join(', ')}, lat, lng FROM places ORDER BY id`).all() as Record<string, string | number | null>[]

t.test('imports the OSM export and reads it back by box and id', async t => {
  const { file, db } = tempDb(t)
  const report = importFile(db, `${DATA}/shanghai_poi_osm.csv`)
  t.equal(report.accepted, 1891)
  t.same(report.refused, [])
  t.equal(report.total, 1891)
  db.close()
  const cat = new Catalogue(file)
  t.teardown(() => cat.close())
  const peace = cat.byId('osm:way/177998982')
  t.match(peace, { name: '和平饭店南楼', nameEn: 'Peace Hotel South Building', category: 'hotel', lat: 31.2406389, lng: 121.4849226 })
  const inBox = cat.inBox({ minLat: 31.2406, maxLat: 31.2407, minLng: 121.4849, maxLng: 121.485 })
  t.ok(inBox.some(p => p.id === 'osm:way/177998982'))
  t.equal(cat.stats().places, 1891)
  // The ranking path: positions only, then the winners' details by key, in the order asked.
  const points = cat.pointsInBox({ minLat: 31.2395, maxLat: 31.2415, minLng: 121.4835, maxLng: 121.4865 })
  const peacePoint = points.find(p => p.id === 'osm:way/177998982')
  t.match(peacePoint, { lat: 31.2406389, lng: 121.4849226 })
  const keys = points.map(p => p.key).reverse()
  const details = cat.placesByKey(keys)
  t.same(details.map(p => p.id), points.map(p => p.id).reverse())
  t.same(cat.placesByKey(keys), details, 'the same again (from memory)')
  t.match(details.find(p => p.id === 'osm:way/177998982'), { name: '和平饭店南楼', category: 'hotel' })
})

t.test('reads the minimal layout and GeoJSON points, lines and polygons', async t => {
  const { dir, db } = tempDb(t)
  const csv = join(dir, 'min.csv')
  writeFileSync(csv, 'id,name,category,lat,lng\na1,"Inn, ""Quoted""",hotel,31.2,121.4\n')
  t.equal(importFile(db, csv).accepted, 1)
  const geo = join(dir, 'places.geojson')
  writeFileSync(
    geo,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 'g1', geometry: { type: 'Point', coordinates: [121.5, 31.3] }, properties: { name: 'Point place', category: 'cafe' } },
        // An L-shaped building: its centroid falls outside it, the stored point must not.
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] }, properties: { id: 'g2', name: 'L' } },
        // A U shape as the first polygon of a MultiPolygon: the centroid (1.5, ~1.1) is in the gap.
        {
          type: 'Feature',
          geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]]] },
          properties: { id: 'g3', name: 'U' },
        },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[10, 10], [11, 10], [12, 10]] }, properties: { id: 'g4', name: 'Street' } },
      ],
    }),
  )
  const report = importFile(db, geo)
  t.equal(report.accepted, 4)
  t.equal(report.encoding, 'json')
  t.equal(report.total, 4, 'an import replaces the catalogue unless merging')
  const point = (id: string) => db.prepare('SELECT lat, lng FROM places WHERE id = ?').get(id) as { lat: number; lng: number }
  const l = point('g2')
  const insideL = (l.lng >= 0 && l.lng <= 3 && l.lat >= 0 && l.lat <= 1) || (l.lng >= 0 && l.lng <= 1 && l.lat >= 0 && l.lat <= 3)
  t.ok(insideL, `point ${l.lng},${l.lat} lies inside the L`)
  const u = point('g3')
  const insideU = (u.lat >= 0 && u.lat <= 1) || ((u.lng <= 1 || u.lng >= 2) && u.lat <= 3)
  t.ok(insideU && u.lng >= 0 && u.lng <= 3, `point ${u.lng},${u.lat} lies inside the U, not in its gap`)
  t.same(point('g4'), { lat: 10, lng: 11 }, 'a line is represented by its middle vertex')
  t.same(point('g1'), { lat: 31.3, lng: 121.5 }, 'GeoJSON order is [lng, lat]')
  t.equal(importFile(db, csv, { merge: true }).total, 5)
})

t.test('converts GCJ-02 rows to WGS-84 by the datum column', async t => {
  const { dir, db } = tempDb(t)
  const csv = join(dir, 'gcj.csv')
  writeFileSync(csv, 'id,name,category,lat,lng,crs\nn1,Nanjing Road,street,31.236712,121.481236,gcj02\n')
  importFile(db, csv)
  const p = db.prepare('SELECT lat, lng FROM places').get() as { lat: number; lng: number }
  t.ok(Math.abs(p.lat - 31.238659) < 2e-6 && Math.abs(p.lng - 121.476722) < 2e-6, `${p.lat},${p.lng}`)
  // The --datum option covers files without a datum column; a row's own column still wins.
  writeFileSync(csv, 'id,name,lat,lng,crs\nn1,Nanjing Road,31.236712,121.481236,\nn2,Already WGS,31.238659,121.476722,wgs84\n')
  importFile(db, csv, { datum: 'gcj02' })
  const rows = db.prepare('SELECT id, lat, lng FROM places ORDER BY id').all() as { id: string; lat: number; lng: number }[]
  t.ok(Math.abs(rows[0]!.lat - 31.238659) < 2e-6, 'n1 converted by the option')
  t.same(rows[1], { id: 'n2', lat: 31.238659, lng: 121.476722 }, 'n2 kept as its own column says')
})

t.test('reports bad rows with their line numbers; --strict changes nothing', async t => {
  const { dir, db } = tempDb(t)
  const good = join(dir, 'good.csv')
  writeFileSync(good, 'id,name,category,lat,lng\nk1,Keep,hotel,31,121\n')
  importFile(db, good)
  const bad = join(dir, 'bad.csv')
  writeFileSync(bad, 'id,name,category,lat,lng\nb1,Fine,hotel,31.1,121.1\nb2,,hotel,31,121\nb3,Swapped,hotel,121.4,31.2\nb1,Again,hotel,31,121\nb5,NaN,hotel,abc,121\n')
  t.throws(() => importFile(db, bad, { strict: true }), { code: 'IMPORT_BAD_ROW' })
  t.same(db.prepare('SELECT id FROM places').all(), [{ id: 'k1' }], 'the strict failure left the catalogue as it was')
  const report = importFile(db, bad)
  t.equal(report.accepted, 1)
  t.same(report.refused, [
    { line: 3, reason: 'missing name' },
    { line: 4, reason: 'latitude 121.4 is outside -90..90 (latitude and longitude look swapped)' },
    { line: 5, reason: 'duplicate id "b1" (first on line 2)' },
    { line: 6, reason: 'latitude "abc" is not a number' },
  ])
})

t.test('refuses an empty file or one without coordinates, changing nothing', async t => {
  const { dir, db } = tempDb(t)
  const empty = join(dir, 'empty.csv')
  writeFileSync(empty, '')
  t.throws(() => importFile(db, empty), { code: 'IMPORT_BAD_FILE' })
  const noLat = join(dir, 'nolat.csv')
  writeFileSync(noLat, 'id,name\n1,a\n')
  t.throws(() => importFile(db, noLat), { code: 'IMPORT_BAD_FILE', message: /no lat, lng column/ })
  const unclosed = join(dir, 'unclosed.csv')
  writeFileSync(unclosed, 'id,name,lat,lng\na1,Fine,31,121\na2,"Never closed,31,121\n')
  t.throws(() => importFile(db, unclosed), { code: 'IMPORT_BAD_FILE', message: /^CSV cannot be read \(line \d\): Quote Not Closed/ })
  const headerOnly = join(dir, 'header.csv')
  writeFileSync(headerOnly, 'id,name,lat,lng\r\n\r\n')
  t.throws(() => importFile(db, headerOnly), { code: 'IMPORT_BAD_FILE', message: /header but no rows/ })
  t.equal(allRows(db).length, 0)
})

/**
 * Twelve rows with bad ones of every kind, a quoted field over two lines (rows 3-4), and on line 7
 * an opening quote that is never closed: read leniently, it swallowed lines 7-10 into one field
 * (b5-b8 vanished, and the row was reported as line 10 with b8's latitude).
 */
const RUNAWAY_ROWS = [
  'id,name,category,lat,lng,address',
  'b1,Good One,hotel,31.23,121.47,No. 1',
  'b2,"Two, ""quoted""",hotel,31.24,121.48,"Multi',
  'line address"',
  'b3,Missing coords,hotel,,,x',
  'b4,Swapped,hotel,121.47,31.23,x',
  'b5,"Unclosed quote,hotel,31.25,121.49,x',
  'b6,Six,cafe,31.26,121.50,x',
  'b7,Seven,cafe,31.27,121.51,x',
  'b8,"Eight",cafe,"121,47",31.2,x',
  'b9,Nine,bank,31.28,121.52,x',
  'b10,,bank,31.29,121.53,x',
  'b11,Eleven,bank,abc,121.54,x',
  'b12,Twelve,bank,31.30,121.55,x',
]

t.test('a quoted field that never closes properly refuses the file, naming the line it opens on', async t => {
  const { dir, db } = tempDb(t)
  const keep = join(dir, 'keep.csv')
  writeFileSync(keep, 'id,name,lat,lng\nk1,Keep,31,121\n')
  importFile(db, keep)
  for (const [eol, label] of [['\n', 'LF'], ['\r\n', 'CRLF']] as const) {
    const runaway = join(dir, `runaway-${label}.csv`)
    writeFileSync(runaway, RUNAWAY_ROWS.join(eol) + eol)
    t.throws(
      () => importFile(db, runaway),
      {
        code: 'IMPORT_BAD_FILE',
        message: /^CSV cannot be read \(line 7\): Quote Not Closed: the row that starts on line 7 has a quoted field that runs on to line 10 without a proper closing quote \(check the quotes on line 7\)$/,
      },
      label,
    )
    t.same(allRows(db).map(r => r.id), ['k1'], `${label}: nothing changed`)
  }
})

t.test('with its quote closed, every one of those rows is accounted for, on the line it starts on', async t => {
  const { dir, db } = tempDb(t)
  for (const [eol, label] of [['\n', 'LF'], ['\r\n', 'CRLF']] as const) {
    const fixed = join(dir, `fixed-${label}.csv`)
    writeFileSync(fixed, RUNAWAY_ROWS.map(r => r.replace('"Unclosed quote,', '"Closed quote",')).join(eol) + eol)
    const report = importFile(db, fixed)
    t.equal(report.accepted + report.refusedCount, 12, `${label}: 12 rows`)
    t.same(
      report.refused,
      [
        { line: 5, reason: 'missing latitude or longitude' },
        { line: 6, reason: 'latitude 121.47 is outside -90..90 (latitude and longitude look swapped)' },
        { line: 10, reason: 'latitude "121,47" is not a number' },
        { line: 12, reason: 'missing name' },
        { line: 13, reason: 'latitude "abc" is not a number' },
      ],
      label,
    )
    t.same(allRows(db).map(r => r.id), ['b1', 'b12', 'b2', 'b5', 'b6', 'b7', 'b9'])
    t.equal(allRows(db).find(r => r.id === 'b2')!.address, 'Multi\nline address')
  }
})

// Case 17: the same four rows saved by Excel as UTF-8 with BOM + CRLF, and as GBK.
const CASE17 = `${CASES}/17-csv-encoding`
const C17_ROWS = [
  { id: 'c1', name: '全季酒店(上海人民广场店)', lat: 31.233114, lng: 121.473701, address: '上海市黄浦区西藏中路' },
  { id: 'c2', name: '亚朵酒店, "人民广场"店', lat: 31.228168, lng: 121.478255, address: '上海市黄浦区福州路' },
  { id: 'c3', name: '桔子水晶酒店', lat: 31.227268, lng: 121.467325, address: '上海市黄浦区南京东路' },
]

for (const [file, encoding] of [
  ['hotels-utf8-bom-crlf.csv', 'utf-8'],
  ['hotels-gbk.csv', 'gb18030'],
] as const) {
  t.test(`case 17: ${file} gives exactly c1..c3, byte for byte, and refuses c4 with its line`, async t => {
    const { db } = tempDb(t)
    const report = importFile(db, `${CASE17}/${file}`)
    t.equal(report.encoding, encoding)
    t.equal(report.accepted, 3)
    t.equal(report.refusedCount, 1)
    t.same(report.refused, [{ line: 5, reason: 'latitude 121.473701 is outside -90..90 (latitude and longitude look swapped)' }])
    const rows = allRows(db)
    t.same(rows.map(r => r.id), ['c1', 'c2', 'c3'])
    C17_ROWS.forEach((want, i) => {
      const got = rows[i]!
      t.same(Buffer.from(String(got.name)), Buffer.from(want.name), `${want.id} name bytes`)
      t.equal(got.address, want.address)
      t.equal(got.category, 'hotel')
      t.equal(got.url, `https://hotels.example.com/h/${want.id}`)
      // The file says crs=gcj02: the catalogue stores the WGS-84 position of the point shown.
      const wgs = gcj02ToWgs84({ lat: want.lat, lng: want.lng })
      t.equal(got.lat, wgs.lat)
      t.equal(got.lng, wgs.lng)
    })
    for (const row of rows) {
      for (const column of TEXT_COLUMNS) {
        const v = row[column]
        if (typeof v !== 'string') continue
        t.notOk(v.startsWith('\uFEFF') || v.endsWith('\r') || v.includes('\uFFFD'), `${row.id}.${column} is clean`)
      }
    }
    t.throws(() => importFile(db, `${CASE17}/${file}`, { strict: true }), { code: 'IMPORT_BAD_ROW', message: /line 5: latitude/ })
    t.equal(allRows(db).length, 3, '--strict refused the file and changed nothing')
  })
}

t.test('decodes UTF-16 with a BOM, and refuses what is neither UTF-8 nor GBK, naming the encoding', async t => {
  const { dir, db } = tempDb(t)
  const utf16 = join(dir, 'utf16.csv')
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name,lat,lng\r\nu1,汉庭酒店,31.2,121.4\r\n', 'utf16le')]))
  t.match(importFile(db, utf16), { encoding: 'utf-16le', accepted: 1 })
  t.equal(allRows(db)[0]!.name, '汉庭酒店')
  const noBom = join(dir, 'utf16-no-bom.csv')
  writeFileSync(noBom, Buffer.from('id,name,lat,lng\r\nu1,汉庭酒店,31.2,121.4\r\n', 'utf16le'))
  t.throws(() => importFile(db, noBom), { code: 'IMPORT_BAD_FILE', message: /UTF-16/ })
  const binary = join(dir, 'latin1.csv')
  // 0xFF never occurs in UTF-8 or in GB18030.
  writeFileSync(binary, Buffer.concat([Buffer.from('id,name,lat,lng\nx1,Caf'), Buffer.from([0xff]), Buffer.from(',31.2,121.4\n')]))
  t.throws(() => importFile(db, binary), { code: 'IMPORT_BAD_FILE', message: /neither UTF-8 nor GBK\/GB18030/ })
  t.same(allRows(db).map(r => r.id), ['u1'], 'the refused files changed nothing')
})

t.test('reads CRLF, quoted commas, quotes and line breaks, stray quotes, and skips blank rows', async t => {
  const { dir, db } = tempDb(t)
  const csv = join(dir, 'excel.csv')
  writeFileSync(
    csv,
    'id,name,category,lat,lng,address\r\n' +
      'q1,"Inn, ""Quoted""\r\nEast wing",hotel,31.1,121.1,"No. 1, Road"\r\n' +
      '\r\n' +
      ',,,,,\r\n' +
      'q2,5" Tower,hotel,31.2,121.2, spaced \r\n' +
      'q3,Short row,cafe,31.3,121.3\r\n',
  )
  const report = importFile(db, csv)
  t.equal(report.accepted, 3)
  t.same(report.refused, [])
  t.same(
    allRows(db).map(r => [r.id, r.name, r.address]),
    [
      ['q1', 'Inn, "Quoted"\nEast wing', 'No. 1, Road'],
      ['q2', '5" Tower', 'spaced'],
      ['q3', 'Short row', null],
    ],
  )
})

/**
 * Every CSV of the shared data imports; the refusals are the rows its README says lack a
 * coordinate or a name. (world_cities: see the generated-id test below; it is large.)
 */
const DATA_FILES = [
  { file: 'shanghai_admin_divisions.csv', accepted: 217, refused: 33, reason: 'missing latitude or longitude' },
  { file: 'shanghai_landmarks_osm.csv', accepted: 1050, refused: 0 },
  { file: 'shanghai_metro_stations_2017.csv', accepted: 302, refused: 0 },
  { file: 'shanghai_places_wikidata.csv', accepted: 1103, refused: 13, reason: 'missing name' },
  { file: 'shanghai_poi_osm.csv', accepted: 1891, refused: 0 },
  { file: 'world_poi_osm_benchmark.csv', accepted: 63001, refused: 559, reason: 'missing name' },
]
for (const want of DATA_FILES) {
  t.test(`imports ${want.file}: ${want.accepted} accepted, ${want.refused} refused`, async t => {
    const { db } = tempDb(t)
    const report = importFile(db, `${DATA}/${want.file}`)
    t.equal(report.accepted, want.accepted)
    t.equal(report.refusedCount, want.refused)
    if (want.reason) t.ok(report.refused.every(r => r.reason === want.reason), want.reason)
    t.equal(report.generatedIds, false)
    // Each refused line really is a row without a name or coordinate in the file.
    const records = parse(readFileSync(`${DATA}/${want.file}`), { columns: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[]
    const byLine = new Map(records.map(r => [r.info.lines, r.record]))
    for (const r of report.refused.slice(0, 50)) {
      const row = byLine.get(r.line)!
      const blank = want.reason === 'missing name' ? !(row.name ?? row.label ?? '').trim() : !row.lat?.trim() || !row.lon?.trim()
      t.ok(blank, `line ${r.line}`)
    }
  })
}

t.test('the metro stations take their ids from station_id and a category from --category', async t => {
  const { db } = tempDb(t)
  importFile(db, `${DATA}/shanghai_metro_stations_2017.csv`, { category: 'metro_station' })
  t.match(db.prepare("SELECT id, name, name_zh, name_en, category FROM places WHERE name_zh = '人民广场'").get(), {
    name: '人民广场',
    nameEn: undefined,
    name_en: "People's Square",
    category: 'metro_station',
  })
})

t.test('a file without an id column gets ids from name and coordinates, stable whatever the row order', async t => {
  const { dir, db } = tempDb(t)
  const lines = readFileSync(`${DATA}/world_cities_geonames.csv`, 'utf8').split('\n')
  const header = lines[0]!
  const body = lines.slice(1, 3001).filter(Boolean)
  const forward = join(dir, 'cities.csv')
  const backward = join(dir, 'cities-reversed.csv')
  writeFileSync(forward, [header, ...body].join('\n'))
  writeFileSync(backward, [header, ...body.reverse()].join('\n'))
  const a = importFile(db, forward)
  t.equal(a.generatedIds, true)
  t.equal(a.accepted, 3000)
  const first = allRows(db)
  importFile(db, backward)
  t.same(allRows(db), first.map(r => ({ ...r, source: 'cities-reversed.csv' })) as never, 'same ids and rows from the reversed file')
  t.match(first[0]!.id, /^gen:[0-9a-f]{16}$/)
  t.match(db.prepare("SELECT id FROM places WHERE name = 'El Tarter'").get(), { id: first.find(r => r.name === 'El Tarter')!.id })
})

t.test('importing the same file again gives the same catalogue and version', async t => {
  const { dir, db } = tempDb(t)
  const other = openDb(join(dir, 'other.sqlite'), { create: true })
  t.teardown(() => other.close())
  const file = `${CASE17}/hotels-utf8-bom-crlf.csv`
  const first = importFile(db, file)
  const before = allRows(db)
  const again = importFile(db, file)
  t.same(allRows(db), before)
  t.equal(again.version, first.version)
  t.equal(importFile(other, file).version, first.version, 'another database, same version')
  t.same(allRows(other), before)
  const merged = importFile(db, `${DATA}/shanghai_metro_stations_2017.csv`, { merge: true })
  t.not(merged.version, first.version, 'a merge makes a new version')
})

t.test('merging updates by id; an id repeated within one file is still refused', async t => {
  const { dir, db } = tempDb(t)
  const base = join(dir, 'base.csv')
  writeFileSync(base, 'id,name,lat,lng\na,Alpha,31,121\nb,Bravo,31.1,121.1\n')
  importFile(db, base)
  const more = join(dir, 'more.csv')
  writeFileSync(more, 'id,name,lat,lng\nb,Bravo New,31.2,121.2\nc,Charlie,31.3,121.3\nb,Bravo Again,31.4,121.4\n')
  const report = importFile(db, more, { merge: true })
  t.equal(report.accepted, 2)
  t.same(report.refused, [{ line: 4, reason: 'duplicate id "b" (first on line 2)' }])
  t.same(
    allRows(db).map(r => [r.id, r.name, r.lat]),
    [
      ['a', 'Alpha', 31],
      ['b', 'Bravo New', 31.2],
      ['c', 'Charlie', 31.3],
    ],
  )
  const boxes = db.prepare('SELECT count(*) AS n FROM places_rtree').get() as { n: number }
  t.equal(boxes.n, 3, 'one R*Tree entry per place')
})

t.test('rows written many to a statement meet taken ids exactly as rows written one by one', async t => {
  // Hundreds of rows, so the writer's multi-row statements (and their in-order fix-up) are used:
  // ids repeated within a chunk and across chunks, ids of the catalogue merged into, and a name
  // search text replaced with its row.
  const { dir, db } = tempDb(t)
  const base = join(dir, 'base.csv')
  const baseRows = Array.from({ length: 120 }, (_, i) => `old${i},Old ${i},31.${i},121.${i}`)
  writeFileSync(base, `id,name,lat,lng\n${baseRows.join('\n')}\n`)
  importFile(db, base)
  const ids = Array.from({ length: 400 }, (_, i) => (i % 7 === 3 ? `old${i % 150}` : i % 11 === 5 ? `new${i - (i % 3) - 1}` : `new${i}`))
  const more = join(dir, 'more.csv')
  writeFileSync(more, `id,name,lat,lng\n${ids.map((id, i) => `${id},Name ${i},30.${i},120.${i}`).join('\n')}\n`)
  const report = importFile(db, more, { merge: true })
  // The model: file order, the first row of an id wins within the file and replaces an old one.
  const first = new Map<string, number>()
  const refused: { line: number; reason: string }[] = []
  ids.forEach((id, i) => {
    const line = i + 2
    const seen = first.get(id)
    if (seen === undefined) first.set(id, line)
    else refused.push({ line, reason: `duplicate id ${JSON.stringify(id)} (first on line ${seen})` })
  })
  t.ok(refused.length > 10, 'the file has duplicates')
  t.equal(report.accepted, first.size)
  t.same(report.refused, refused)
  const expected = new Map<string, string>(baseRows.map((r, i) => [`old${i}`, `Old ${i}`]))
  for (const [id, line] of first) expected.set(id, `Name ${line - 2}`)
  const rows = allRows(db)
  t.same(new Map(rows.map(r => [r.id as string, r.name as string])), expected)
  const texts = db.prepare('SELECT count(*) AS n FROM place_texts').get() as { n: number }
  t.equal(texts.n, expected.size, 'one search text per place')
  const found = db.prepare("SELECT p.id FROM places_fts f JOIN places p ON p.rowid = f.rowid WHERE places_fts MATCH '\"old 3\"' ORDER BY p.id").pluck().all()
  t.same(found, [...expected].filter(([, name]) => name.toLowerCase().includes('old 3')).map(([id]) => id).sort())
})

t.test('exports the catalogue as CSV that imports back to the same rows', async t => {
  const { dir, file, db } = tempDb(t)
  importFile(db, `${CASE17}/hotels-gbk.csv`)
  const before = allRows(db)
  db.close()
  let csv = ''
  t.equal(await exportCatalogue(file, chunk => void (csv += chunk)), 3)
  t.match(csv, /^id,name,name_zh,name_en,category,lat,lng,crs,address,phone,url,picture_url,source\n/)
  t.match(csv, /\nc2,"亚朵酒店, ""人民广场""店",,,hotel,/)
  const out = join(dir, 'export.csv')
  writeFileSync(out, csv)
  const again = openDb(join(dir, 'again.sqlite'), { create: true })
  t.teardown(() => again.close())
  importFile(again, out)
  t.same(allRows(again), before)
})

/** What SQLite's own checks say of a catalogue's R*Tree and trigram index, and their sizes. */
function indexChecks(file: string) {
  const db = openDb(file)
  try {
    const rtree = (db.prepare("SELECT rtreecheck('places_rtree') AS r").get() as { r: string }).r
    // FTS5 compares its index with the text it reads from place_texts; it throws on a mismatch.
    db.exec("INSERT INTO places_fts (places_fts, rank) VALUES ('integrity-check', 1)")
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    return {
      rtree,
      places: count('SELECT count(*) AS n FROM places'),
      boxes: count('SELECT count(*) AS n FROM places_rtree'),
      texts: count('SELECT count(*) AS n FROM place_texts t JOIN places p ON p.rowid = t.rowid'),
      // A name of symbols only folds to no key: such a place has no text.
      keyed: (db.prepare('SELECT name, name_zh AS nameZh, name_en AS nameEn FROM places').all() as Record<string, string | null>[]).filter(
        r => nameKey(r.name ?? '') || nameKey(r.nameZh ?? '') || nameKey(r.nameEn ?? ''),
      ).length,
      orphanNames: count('SELECT count(*) AS n FROM place_names n LEFT JOIN places p ON p.rowid = n.place_rowid WHERE p.rowid IS NULL'),
    }
  } finally {
    db.close()
  }
}

t.test('a build packs a sound R*Tree and name indexes, also when it merges into a copy of the live file', async t => {
  const dir = t.testdir()
  const file = join(dir, 'c.sqlite')
  const limits = { timeoutMs: 10_000, maxBytes: 1 << 30 }
  // 1,891 + 4,000 places: three levels of R*Tree nodes.
  const grid = join(dir, 'grid.csv')
  const rows = Array.from({ length: 4000 }, (_, i) => `g${i},Grid ${i},cafe,${(31 + (i % 63) * 0.0071).toFixed(6)},${(121.2 + Math.floor(i / 63) * 0.0093).toFixed(6)}`)
  writeFileSync(grid, `id,name,category,lat,lng\n${rows.join('\n')}\n`)
  await rebuildCatalogue(file, [{ location: `${DATA}/shanghai_poi_osm.csv` }], { limits })
  t.same(indexChecks(file), { rtree: 'ok', places: 1891, boxes: 1891, texts: 1891, keyed: 1891, orphanNames: 0 })
  // The merge copies the live rows (their names indexed afterwards) and replaces one by id.
  const more = join(dir, 'more.csv')
  writeFileSync(more, 'id,name,category,lat,lng\nosm:way/177998982,Renamed Hotel,hotel,31.2406,121.4849\nnew-1,Brand New Place,cafe,31.2,121.4\n')
  await rebuildCatalogue(file, [{ location: grid }, { location: more }], { limits, merge: true })
  t.same(indexChecks(file), { rtree: 'ok', places: 5892, boxes: 5892, texts: 5892, keyed: 5892, orphanNames: 0 })
  const cat = new Catalogue(file)
  t.teardown(() => cat.close())
  t.same(cat.placesNamed(nameKey('Renamed Hotel')).map(p => p.id), ['osm:way/177998982'])
  t.same(cat.placesNamed(nameKey('和平饭店南楼')).map(p => p.id), [], 'the old name is gone')
  t.same(cat.placesNamed(nameKey('Brand New Place')).map(p => p.id), ['new-1'])
  t.same(cat.placesNamed(nameKey('Grid 3999')).map(p => p.id), ['g3999'])
  t.equal(cat.placesNamedContaining(nameKey('星巴克'), 500).length, 56, 'a copied row, found by the trigram index')
  // Against an R*Tree filled by SQLite itself: the same places in every box.
  const db = openDb(file)
  t.teardown(() => db.close())
  db.exec('CREATE VIRTUAL TABLE temp.reference USING rtree(place_rowid, min_lat, max_lat, min_lng, max_lng)')
  db.exec('INSERT INTO temp.reference SELECT rowid, lat, lat, lng, lng FROM places')
  const inBox = (table: string) =>
    db.prepare(`SELECT place_rowid AS r FROM ${table} WHERE min_lat <= ? AND max_lat >= ? AND min_lng <= ? AND max_lng >= ? ORDER BY 1`).pluck()
  const [packed, reference] = [inBox('main.places_rtree'), inBox('temp.reference')]
  const points = db.prepare('SELECT lat, lng FROM places ORDER BY rowid').all() as { lat: number; lng: number }[]
  let same = 0
  for (let i = 0; i < points.length; i += 37) {
    const p = points[i]!
    const box = [p.lat + 0.004, p.lat - 0.011, p.lng + 0.013, p.lng - 0.002]
    if (!t.same(packed.all(...box), reference.all(...box), `box ${i}`)) break
    same++
  }
  t.equal(same, Math.ceil(points.length / 37))
})

t.test('the worker-thread reading gives the same report and rows as reading in the importing thread', async t => {
  // tempDb's t.testdir() empties the folder: call it first.
  const { dir, db } = tempDb(t)
  const file = join(dir, 'w.sqlite')
  const csv = join(dir, 'rows.csv')
  writeFileSync(csv, RUNAWAY_ROWS.map(r => r.replace('"Unclosed quote,', '"Closed quote",')).join('\r\n'))
  const limits = { timeoutMs: 10_000, maxBytes: 1 << 20 }
  // A small file is read in a worker only when told to.
  const report = await rebuildCatalogue(file, [{ location: csv }], { limits, workerFromBytes: 0 })
  const inThread = importFile(db, csv)
  t.same(report.sources[0]!.refused, inThread.refused)
  t.equal(report.sources[0]!.accepted, inThread.accepted)
  const built = openDb(file, { readonly: true })
  t.same(allRows(built), allRows(db))
  built.close()
  const runaway = join(dir, 'runaway.csv')
  writeFileSync(runaway, RUNAWAY_ROWS.join('\n'))
  await t.rejects(rebuildCatalogue(file, [{ location: runaway }], { limits, workerFromBytes: 0 }), {
    code: 'IMPORT_BAD_FILE',
    message: /^CSV cannot be read \(line 7\): Quote Not Closed: the row that starts on line 7/,
  })
})
