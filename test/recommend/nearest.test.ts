import t from 'tap'
import type { Box } from '../../src/geo/box.js'
import { distanceM } from '../../src/geo/distance.js'
import { nearestPlaces } from '../../src/recommend/nearest.js'
import type { CatalogueReader, Place } from '../../src/recommend/place.js'

/** A deterministic pseudo-random sequence, so failures can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

function place(id: string, lat: number, lng: number): Place {
  return { id, name: id, nameZh: null, nameEn: null, category: 'cafe', lat, lng, address: null, phone: null, url: null, pictureUrl: null }
}

/** An in-memory reader that counts its box queries. */
function reader(places: Place[]): CatalogueReader & { queries: number; rows: number } {
  return {
    queries: 0,
    rows: 0,
    inBox(b: Box) {
      this.queries++
      const found = places.filter(p => p.lat >= b.minLat && p.lat <= b.maxLat && p.lng >= b.minLng && p.lng <= b.maxLng)
      this.rows += found.length
      return found
    },
  }
}

function brute(places: Place[], at: { lat: number; lng: number }, k: number, maxM: number) {
  return places
    .map(p => ({ id: p.id, d: distanceM(at, p) }))
    .filter(x => x.d <= maxM)
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, k)
}

t.test('equals a scan over every place, at many latitudes and densities', async t => {
  const rnd = random(7)
  for (const [lat0, lng0, spread] of [[31.23, 121.47, 0.05], [0, 0, 0.2], [64.1, -21.9, 0.5], [78.2, 15.6, 2], [-33.9, 151.2, 0.01]] as const) {
    const places = Array.from({ length: 800 }, (_, i) => place(`p${i}`, lat0 + (rnd() - 0.5) * spread, lng0 + (rnd() - 0.5) * spread * 3))
    for (let q = 0; q < 20; q++) {
      const at = { lat: lat0 + (rnd() - 0.5) * spread, lng: lng0 + (rnd() - 0.5) * spread * 3 }
      const got = nearestPlaces(at, reader(places), { limit: 10, maxRadiusM: 50_000 })
      const want = brute(places, at, 10, 50_000)
      t.same(got.map(r => r.place.id), want.map(x => x.id), `${at.lat.toFixed(4)},${at.lng.toFixed(4)}`)
      t.same(got.map(r => r.distanceM), want.map(x => x.d))
    }
  }
})

t.test('finds places across the antimeridian', async t => {
  const places = [place('east', -17.7, 179.999), place('west', -17.7, -179.999), place('far', -17.7, 179.5)]
  const got = nearestPlaces({ lat: -17.7, lng: -179.9995 }, reader(places), { limit: 2, maxRadiusM: 5000 })
  t.same(got.map(r => r.place.id), ['west', 'east'])
})

t.test('never returns a place beyond the maximum radius', async t => {
  const places = [place('near', 31.0, 121.0), place('far', 31.1, 121.0)]
  const got = nearestPlaces({ lat: 31.0, lng: 121.0 }, reader(places), { limit: 10, maxRadiusM: 5000 })
  t.same(got.map(r => r.place.id), ['near'])
})

t.test('breaks distance ties by id, so the order is stable', async t => {
  const places = [place('b', 31.001, 121.0), place('a', 30.999, 121.0)]
  const got = nearestPlaces({ lat: 31.0, lng: 121.0 }, reader(places), { limit: 2, maxRadiusM: 5000 })
  t.equal(got[0]!.distanceM, got[1]!.distanceM)
  t.same(got.map(r => r.place.id), ['a', 'b'])
})

t.test('widens the box step by step instead of reading everything', async t => {
  const rnd = random(3)
  const places = Array.from({ length: 2000 }, (_, i) => place(`p${i}`, 31 + rnd() * 0.5, 121 + rnd() * 0.5))
  const r = reader(places)
  nearestPlaces({ lat: 31.25, lng: 121.25 }, r, { limit: 10, maxRadiusM: 20_000 })
  t.ok(r.queries <= 4, `${r.queries} box queries`)
})

/** The same places behind the positions-only fast path; counts the details it is asked for. */
function pointReader(places: Place[]): CatalogueReader & { queries: number; detailed: number } {
  const byKey = new Map(places.map((p, key) => [key, p]))
  const keyOf = new Map(places.map((p, key) => [p, key]))
  const base = reader(places)
  return {
    queries: 0,
    detailed: 0,
    inBox: () => {
      throw new Error('the fast path must not read whole rows by box')
    },
    pointsInBox(b: Box, max: number) {
      this.queries++
      const points = base.inBox(b).map(p => ({ key: keyOf.get(p)!, id: p.id, lat: p.lat, lng: p.lng }))
      return max < 0 ? points : points.slice(0, max)
    },
    placesByKey(keys: readonly number[]) {
      this.detailed += keys.length
      return keys.map(k => byKey.get(k)!)
    },
  }
}

t.test('the positions-only path ranks exactly like a scan and fetches only the winners', async t => {
  const rnd = random(5)
  const places = Array.from({ length: 3000 }, (_, i) => place(`p${i}`, 31 + rnd() * 0.3, 121 + rnd() * 0.3))
  const r = pointReader(places)
  for (let q = 0; q < 40; q++) {
    const at = { lat: 31 + rnd() * 0.3, lng: 121 + rnd() * 0.3 }
    const before = r.detailed
    const got = nearestPlaces(at, r, { limit: 10, maxRadiusM: 20_000 })
    const want = brute(places, at, 10, 20_000)
    t.same(got.map(x => x.place.id), want.map(x => x.id))
    t.same(got.map(x => x.distanceM), want.map(x => x.d))
    t.equal(r.detailed - before, 10, 'details of the ten winners only')
  }
})

/** mulberry32: unlike the LCG above, its successive pairs do not fall on a few lines. */
function spread(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let x = Math.imul(seed ^ (seed >>> 15), seed | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

t.test('sizes the first box from what earlier searches nearby saw', async t => {
  const rnd = spread(9)
  // A dense town centre: 2000 places within about 300 m.
  const places = Array.from({ length: 2000 }, (_, i) => place(`p${i}`, 31.2 + (rnd() - 0.5) * 0.006, 121.4 + (rnd() - 0.5) * 0.007))
  const r = reader(places)
  nearestPlaces({ lat: 31.2, lng: 121.4 }, r, { limit: 10, maxRadiusM: 5000 })
  const rowsBefore = r.rows
  const got = nearestPlaces({ lat: 31.2003, lng: 121.4002 }, r, { limit: 10, maxRadiusM: 5000 })
  t.same(got.map(x => x.place.id), brute(places, { lat: 31.2003, lng: 121.4002 }, 10, 5000).map(x => x.id))
  t.ok(r.rows - rowsBefore < 100, `${r.rows - rowsBefore} rows read, not the whole centre`)
})

t.test('a first box far too large for a dense centre is cut short and shrunk, never ranked', async t => {
  const rnd = spread(4)
  // 5000 places within about 100 m, 200 more spread over kilometres.
  const places = [
    ...Array.from({ length: 5000 }, (_, i) => place(`d${i}`, 31.2 + (rnd() - 0.5) * 0.002, 121.4 + (rnd() - 0.5) * 0.002)),
    ...Array.from({ length: 200 }, (_, i) => place(`s${i}`, 31.2 + (rnd() - 0.5) * 0.1, 121.4 + (rnd() - 0.5) * 0.1)),
  ]
  for (const at of [{ lat: 31.2, lng: 121.4 }, { lat: 31.2004, lng: 121.4006 }, { lat: 31.23, lng: 121.43 }]) {
    const r = pointReader(places)
    const got = nearestPlaces(at, r, { limit: 10, maxRadiusM: 5000 })
    t.same(got.map(x => x.place.id), brute(places, at, 10, 5000).map(x => x.id), `${at.lat},${at.lng}`)
  }
})

t.test('a dense spot in the corner of the box does not keep the search going back and forth', async t => {
  const m = 1 / 111_320
  const rnd = spread(8)
  // Nine places close by, a dense spot 127 m off to the north-east, one more 200 m south.
  const places = [
    ...Array.from({ length: 9 }, (_, i) => place(`n${i}`, 31 + (rnd() - 0.5) * 40 * m, 121 + (rnd() - 0.5) * 40 * m)),
    ...Array.from({ length: 500 }, (_, i) => place(`b${i}`, 31 + (90 + (rnd() - 0.5) * 10) * m, 121 + ((90 + (rnd() - 0.5) * 10) * m) / Math.cos((31 * Math.PI) / 180))),
    place('far', 31 - 200 * m, 121),
  ]
  const at = { lat: 31, lng: 121 }
  const got = nearestPlaces(at, pointReader(places), { limit: 10, maxRadiusM: 5000 })
  t.same(got.map(x => x.place.id), brute(places, at, 10, 5000).map(x => x.id))
})

/** The same places behind positions without ids (an index in memory); counts the details asked for. */
function positionReader(places: Place[]): CatalogueReader & { detailed: number } {
  const points = pointReader(places)
  return {
    detailed: 0,
    inBox: points.inBox,
    positionsInBox(b: Box, max: number) {
      return points.pointsInBox!(b, max).map(({ key, lat, lng }) => ({ key, lat, lng }))
    },
    pointsInBox: () => {
      throw new Error('positions without ids come first')
    },
    placesByKey(keys: readonly number[]) {
      this.detailed += keys.length
      return points.placesByKey!(keys)
    },
  }
}

t.test('positions without ids rank exactly like a scan; ties are ordered by the ids of their details', async t => {
  const rnd = spread(12)
  // Places in clumps that share one position, ids against the order they are stored in.
  const spots = Array.from({ length: 60 }, () => ({ lat: 31 + rnd() * 0.02, lng: 121 + rnd() * 0.02 }))
  const places = Array.from({ length: 600 }, (_, i) => {
    const s = spots[i % spots.length]!
    return place(`q${String(999 - i).padStart(3, '0')}`, s.lat, s.lng)
  })
  const r = positionReader(places)
  for (let q = 0; q < 40; q++) {
    const at = q % 2 ? spots[q % spots.length]! : { lat: 31 + rnd() * 0.02, lng: 121 + rnd() * 0.02 }
    const before = r.detailed
    const got = nearestPlaces(at, r, { limit: 10, maxRadiusM: 20_000 })
    const want = brute(places, at, 10, 20_000)
    t.same(got.map(x => x.place.id), want.map(x => x.id))
    t.same(got.map(x => x.distanceM), want.map(x => x.d))
    // Ten per spot: the tenth place ties with the others of its spot, which are fetched too.
    t.ok(r.detailed - before >= 10 && r.detailed - before <= 20, `${r.detailed - before} details fetched`)
  }
  const distinct = Array.from({ length: 300 }, (_, i) => place(`u${i}`, 31 + rnd() * 0.05, 121 + rnd() * 0.05))
  const u = positionReader(distinct)
  nearestPlaces({ lat: 31.025, lng: 121.025 }, u, { limit: 10, maxRadiusM: 20_000 })
  t.equal(u.detailed, 10, 'without ties, the details of the ten winners only')
})
