import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDb } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { DATA } from '../helpers/paths.js'

function tempDb(t: { testdir(): string }) {
  const file = join(t.testdir(), 'c.sqlite')
  return { file, db: openDb(file, { create: true }) }
}

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
  const { db } = tempDb(t)
  const dir = t.testdir()
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
      ],
    }),
  )
  const report = importFile(db, geo)
  t.equal(report.accepted, 2)
  t.equal(report.total, 2, 'an import replaces the catalogue unless merging')
  const l = db.prepare("SELECT lat, lng FROM places WHERE id = 'g2'").get() as { lat: number; lng: number }
  const insideL = (l.lng >= 0 && l.lng <= 3 && l.lat >= 0 && l.lat <= 1) || (l.lng >= 0 && l.lng <= 1 && l.lat >= 0 && l.lat <= 3)
  t.ok(insideL, `point ${l.lng},${l.lat} lies inside the L`)
  t.equal(importFile(db, csv, { merge: true }).total, 3)
})

t.test('converts GCJ-02 rows to WGS-84 by the datum column', async t => {
  const { db } = tempDb(t)
  const csv = join(t.testdir(), 'gcj.csv')
  writeFileSync(csv, 'id,name,category,lat,lng,crs\nn1,Nanjing Road,street,31.236712,121.481236,gcj02\n')
  importFile(db, csv)
  const p = db.prepare('SELECT lat, lng FROM places').get() as { lat: number; lng: number }
  t.ok(Math.abs(p.lat - 31.238659) < 2e-6 && Math.abs(p.lng - 121.476722) < 2e-6, `${p.lat},${p.lng}`)
})

t.test('reports bad rows with their line numbers; --strict changes nothing', async t => {
  const { db } = tempDb(t)
  const dir = t.testdir()
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
  const { db } = tempDb(t)
  const dir = t.testdir()
  const empty = join(dir, 'empty.csv')
  writeFileSync(empty, '')
  t.throws(() => importFile(db, empty), { code: 'IMPORT_BAD_FILE' })
  const noLat = join(dir, 'nolat.csv')
  writeFileSync(noLat, 'id,name\n1,a\n')
  t.throws(() => importFile(db, noLat), { code: 'IMPORT_BAD_FILE', message: /no lat, lng column/ })
})
