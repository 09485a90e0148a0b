import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDb } from '../../src/catalogue/db.js'
import { importFile } from '../../src/catalogue/import.js'
import { LiveCatalogue } from '../../src/catalogue/live-catalogue.js'
import { PointIndex } from '../../src/catalogue/point-index.js'
import { Catalogue } from '../../src/catalogue/repository.js'
import { distanceM } from '../../src/geo/distance.js'
import { nearestPlaces, nearestPlacesAndMore } from '../../src/recommend/nearest.js'
import { DATA } from '../helpers/paths.js'

/** mulberry32: a seeded sequence, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let x = Math.imul(seed ^ (seed >>> 15), seed | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function catalogueOf(t: { testdir(): string }, source: string): string {
  const file = join(t.testdir(), 'c.sqlite')
  const db = openDb(file, { create: true })
  importFile(db, source)
  db.close()
  return file
}

t.test('box queries on the Shanghai OSM catalogue: the same places as the table says, by kind, up to a limit', async t => {
  const file = catalogueOf(t, `${DATA}/shanghai_poi_osm.csv`)
  const db = openDb(file, { readonly: true })
  t.teardown(() => db.close())
  const count = (db.prepare('SELECT count(*) AS n FROM places').get() as { n: number }).n
  t.equal(count, 1891)
  const index = PointIndex.fromDb(db, count)
  t.equal(index.size, 1891)
  const exact = db.prepare<[number, number, number, number], { rowid: number; category: string }>(
    'SELECT rowid, category FROM places WHERE lat BETWEEN ? AND ? AND lng BETWEEN ? AND ? ORDER BY rowid',
  )
  const spots = db.prepare<[], { lat: number; lng: number }>('SELECT lat, lng FROM places ORDER BY rowid').all()
  const rnd = random(11)
  let nonEmpty = 0
  for (let q = 0; q < 200; q++) {
    // Boxes near places (where queries are asked), of 200 m to 5 km, and some anywhere.
    const near = spots[Math.floor(rnd() * spots.length)]!
    const lat = q % 4 ? near.lat - rnd() * 0.01 : 31.0 + rnd() * 0.5
    const lng = q % 4 ? near.lng - rnd() * 0.01 : 121.2 + rnd() * 0.6
    const size = 0.002 + rnd() * 0.05
    const box = { minLat: lat, maxLat: lat + size, minLng: lng, maxLng: lng + size * 1.2 }
    const want = exact.all(box.minLat, box.maxLat, box.minLng, box.maxLng)
    const got = index.inBox(box)
    t.same(got.map(p => p.key).sort((a, b) => a - b), want.map(r => r.rowid), `box ${q}`)
    if (want.length > 0) nonEmpty++
    const kinds = ['hotel', 'cafe']
    const gotKinds = index.inBox(box, -1, kinds).map(p => p.key).sort((a, b) => a - b)
    t.same(gotKinds, want.filter(r => kinds.includes(r.category)).map(r => r.rowid), `box ${q}, hotels and cafés`)
    if (want.length > 3) {
      const cut = index.inBox(box, 3)
      t.equal(cut.length, 3, 'stops at the limit')
      t.ok(cut.every(p => want.some(r => r.rowid === p.key)), 'with places of the box')
    }
  }
  t.ok(nonEmpty > 100, `${nonEmpty} boxes held places`)
  // Bounds are inclusive: boxes whose edges run exactly through places (a box of one point too).
  for (let q = 0; q < 300; q++) {
    const a = spots[Math.floor(rnd() * spots.length)]!
    const b = q % 3 ? spots[Math.floor(rnd() * spots.length)]! : a
    const box = { minLat: Math.min(a.lat, b.lat), maxLat: Math.max(a.lat, b.lat), minLng: Math.min(a.lng, b.lng), maxLng: Math.max(a.lng, b.lng) }
    const want = exact.all(box.minLat, box.maxLat, box.minLng, box.maxLng).map(r => r.rowid)
    t.same(index.inBox(box).map(p => p.key).sort((x, y) => x - y), want, `edges through places ${q}`)
  }
  t.same(index.inBox({ minLat: 31, maxLat: 32, minLng: 121, maxLng: 122 }, -1, ['no-such-kind']), [])
  t.same(index.inBox({ minLat: 0, maxLat: 1, minLng: 0, maxLng: 1 }), [], 'nothing far away')
})

t.test('nearest places from the catalogue equal a scan, ties at the same spot ordered by id', async t => {
  // Many places share a position (as in OSM: shops of one building); ids sort against rowids.
  const rnd = random(5)
  const lines = ['id,name,category,lat,lng']
  for (let i = 0; i < 1500; i++) {
    const spot = Math.floor(rnd() * 300)
    const lat = 31.2 + (spot % 20) * 0.0009 + (i % 3 === 0 ? rnd() * 0.0005 : 0)
    const lng = 121.45 + Math.floor(spot / 20) * 0.0011
    lines.push(`p${String(9999 - i).padStart(4, '0')},Place ${i},${i % 4 === 0 ? 'hotel' : 'cafe'},${lat.toFixed(7)},${lng.toFixed(7)}`)
  }
  const dir = t.testdir()
  const csv = join(dir, 'ties.csv')
  writeFileSync(csv, lines.join('\n') + '\n')
  const file = join(dir, 'ties.sqlite')
  const db = openDb(file, { create: true })
  importFile(db, csv)
  db.close()
  const cat = new Catalogue(file, { readonly: true })
  t.teardown(() => cat.close())
  const all = cat.inBox({ minLat: -90, maxLat: 90, minLng: -180, maxLng: 180 })
  t.equal(all.length, 1500)
  const scan = (at: { lat: number; lng: number }, k: number, kinds?: string[]) =>
    all
      .filter(p => !kinds || kinds.includes(p.category))
      .map(p => ({ id: p.id, d: distanceM(at, p) }))
      .filter(x => x.d <= 5000)
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, k)
  let ties = 0
  for (let q = 0; q < 150; q++) {
    // Half the queries right on a shared spot, where ten or more places are equally near.
    const on = all[Math.floor(rnd() * all.length)]!
    const at = q % 2 ? { lat: on.lat, lng: on.lng } : { lat: 31.2 + rnd() * 0.02, lng: 121.45 + rnd() * 0.017 }
    const want = scan(at, 10)
    const got = nearestPlaces(at, cat, { limit: 10, maxRadiusM: 5000 })
    t.same(got.map(r => r.place.id), want.map(x => x.id), `query ${q}`)
    t.same(got.map(r => r.distanceM), want.map(x => x.d))
    if (want.length > 1 && want[0]!.d === want[1]!.d) ties++
    // The reply's form: the same ten, whether an eleventh follows, details read for the ten only
    // (and for places tied with the tenth, which may sort before it).
    const keysRead: number[] = []
    const counting = {
      inBox: cat.inBox.bind(cat),
      positionsInBox: cat.positionsInBox.bind(cat),
      placesByKey: (keys: readonly number[]) => (keysRead.push(...keys), cat.placesByKey(keys)),
    }
    const withMore = nearestPlacesAndMore(at, counting, { limit: 10, maxRadiusM: 5000 })
    const eleven = scan(at, 11)
    t.same(withMore.places.map(r => r.place.id), want.map(x => x.id), `query ${q}, with more`)
    t.equal(withMore.more, eleven.length > 10)
    const tiedWithTenth = eleven.length > 10 && eleven[10]!.d === eleven[9]!.d
    if (!tiedWithTenth) t.equal(keysRead.length, want.length, `query ${q}: details of the shown places only`)
    const hotels = nearestPlaces(at, cat, { limit: 5, maxRadiusM: 5000, categories: ['hotel'] })
    t.same(hotels.map(r => r.place.id), scan(at, 5, ['hotel']).map(x => x.id), `query ${q}, hotels`)
  }
  t.ok(ties > 30, `${ties} answers began with a tie`)
  // Where many places share a coordinate, boxes with an edge right on it still find them all.
  const index = PointIndex.fromDb(cat.db, all.length)
  const exact = cat.db.prepare<[number, number, number, number], { rowid: number }>(
    'SELECT rowid FROM places WHERE lat BETWEEN ? AND ? AND lng BETWEEN ? AND ? ORDER BY rowid',
  )
  for (let q = 0; q < 200; q++) {
    const a = all[Math.floor(rnd() * all.length)]!
    const b = all[Math.floor(rnd() * all.length)]!
    const box = { minLat: Math.min(a.lat, b.lat), maxLat: Math.max(a.lat, b.lat), minLng: Math.min(a.lng, b.lng), maxLng: Math.max(a.lng, b.lng) }
    const want = exact.all(box.minLat, box.maxLat, box.minLng, box.maxLng).map(r => r.rowid)
    t.same(index.inBox(box).map(p => p.key).sort((x, y) => x - y), want, `edges on shared coordinates ${q}`)
  }
  t.ok(cat.warmed, 'the index was built on first use')
  // Built a slice at a time (as a server does for a replaced catalogue): the same answers.
  const sliced = new Catalogue(file, { readonly: true })
  t.teardown(() => sliced.close())
  const pending = sliced.warmInBackground(97)
  t.notOk(sliced.warmed)
  await pending
  t.ok(sliced.warmed)
  for (let q = 0; q < 40; q++) {
    const at = { lat: 31.2 + rnd() * 0.02, lng: 121.45 + rnd() * 0.017 }
    t.same(nearestPlaces(at, sliced, { limit: 10, maxRadiusM: 5000 }).map(r => r.place.id), scan(at, 10).map(x => x.id), `sliced ${q}`)
  }
})

t.test('a live catalogue that looks at its file once a while, and builds the index of a replacement before it serves', async t => {
  const dir = t.testdir()
  const v1 = join(dir, 'v1.csv')
  const v2 = join(dir, 'v2.csv')
  writeFileSync(v1, 'id,name,category,lat,lng\na1,Old Inn,hotel,31.2,121.4\n')
  writeFileSync(v2, 'id,name,category,lat,lng\nb1,New Inn,hotel,31.2,121.4\nb2,New Café,cafe,31.2001,121.4\n')
  const live = join(dir, 'live.sqlite')
  const build = (csv: string, file: string) => {
    const db = openDb(file, { create: true })
    importFile(db, csv)
    db.close()
  }
  build(v1, live)
  const at = { lat: 31.2, lng: 121.4 }
  const names = (c: LiveCatalogue) => nearestPlaces(at, c, { limit: 5, maxRadiusM: 1000 }).map(r => r.place.name)

  // A server's catalogue: a swap by another process is noticed within followEveryMs (an hour here).
  const slow = new LiveCatalogue(live, { followEveryMs: 3_600_000 })
  t.teardown(() => slow.close())
  slow.warm()
  t.same(names(slow), ['Old Inn'])
  build(v2, join(dir, 'next.sqlite'))
  renameSync(join(dir, 'next.sqlite'), live)
  t.same(names(slow), ['Old Inn'], 'not noticed yet: the file was looked at a moment ago')
  slow.reopen()
  t.notOk(slow.current.warmed, 'the replacement is indexed between requests')
  t.same(names(slow), ['New Inn', 'New Café'], 'and answers from the R*Tree meanwhile')
  t.notOk(slow.current.warmed, 'without building the index then and there')
  await slow.current.warmInBackground()
  t.ok(slow.current.warmed)
  t.same(names(slow), ['New Inn', 'New Café'])

  // By default every query looks at the file.
  const eager = new LiveCatalogue(live)
  t.teardown(() => eager.close())
  t.same(names(eager), ['New Inn', 'New Café'])
  build(v1, join(dir, 'next.sqlite'))
  renameSync(join(dir, 'next.sqlite'), live)
  t.same(names(eager), ['Old Inn'], 'noticed at once')
})
