import t from 'tap'
import { boxesAround } from '../../src/geo/box.js'
import { insideChinaMainland } from '../../src/geo/china-outline.js'
import { bd09ToGcj02, gcj02ToBd09, gcj02ToWgs84, toWgs84, wgs84ToGcj02 } from '../../src/geo/datum.js'
import { distanceM } from '../../src/geo/distance.js'

t.test('GCJ-02 → WGS-84 matches the fixture README within a metre', async t => {
  const cases = [
    { gcj: { lat: 31.236712, lng: 121.481236 }, wgs: { lat: 31.238659, lng: 121.476722 } },
    { gcj: { lat: 39.914882, lng: 116.411034 }, wgs: { lat: 39.913478, lng: 116.40479 } },
    { gcj: { lat: 30.259244, lng: 120.148763 }, wgs: { lat: 30.261555, lng: 120.144039 } },
  ]
  for (const { gcj, wgs } of cases) {
    const got = gcj02ToWgs84(gcj)
    t.ok(distanceM(got, wgs) < 1, `${JSON.stringify(gcj)} → ${got.lat.toFixed(6)},${got.lng.toFixed(6)}`)
    t.ok(distanceM(gcj, wgs) > 400, 'the datums really differ by ~0.5 km here')
  }
})

// 1e-7 degrees is about a centimetre.
const near = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  Math.abs(a.lat - b.lat) < 1e-7 && Math.abs(a.lng - b.lng) < 1e-7

t.test('the inverses round-trip to under a centimetre', async t => {
  for (const p of [{ lat: 31.2304, lng: 121.4737 }, { lat: 22.3, lng: 114.17 }, { lat: 45.75, lng: 126.6 }, { lat: 29.65, lng: 91.1 }]) {
    t.ok(near(gcj02ToWgs84(wgs84ToGcj02(p)), p), 'GCJ-02')
    t.ok(near(toWgs84(gcj02ToBd09(wgs84ToGcj02(p)), 'bd09'), p), 'via BD-09')
    t.ok(near(bd09ToGcj02(gcj02ToBd09(p)), p), 'BD-09 alone')
  }
})

t.test('points outside the GCJ-02 area are not shifted', async t => {
  for (const p of [{ lat: 25.03, lng: 121.56 }, { lat: 37.57, lng: 126.98 }, { lat: 51.5, lng: -0.12 }, { lat: 21.03, lng: 105.85 }]) {
    t.same(gcj02ToWgs84(p), p)
    t.same(wgs84ToGcj02(p), p)
  }
})

t.test('the China outline puts cities on the right side', async t => {
  const inside: Record<string, [number, number]> = {
    Shanghai: [31.23, 121.47], Beijing: [39.9, 116.4], Urumqi: [43.8, 87.6], Kashgar: [39.47, 75.99], Lhasa: [29.65, 91.1],
    Harbin: [45.75, 126.6], Mohe: [52.97, 122.53], Sanya: [18.25, 109.5], HongKong: [22.3, 114.17], Macau: [22.19, 113.54],
    Kunming: [25.04, 102.7], Xiamen: [24.48, 118.09], Dandong: [40.13, 124.38], Hunchun: [42.87, 130.37], Pingtan: [25.5, 119.79],
  }
  const outside: Record<string, [number, number]> = {
    Seoul: [37.57, 126.98], Pyongyang: [39.03, 125.75], Taipei: [25.03, 121.56], Kaohsiung: [22.63, 120.3], Hanoi: [21.03, 105.85],
    Bangkok: [13.75, 100.5], Ulaanbaatar: [47.9, 106.9], Vladivostok: [43.1, 131.9], Almaty: [43.25, 76.9], Kathmandu: [27.7, 85.3],
    Thimphu: [27.47, 89.64], Tokyo: [35.68, 139.7], Manila: [14.6, 121], Khabarovsk: [48.48, 135.07], Delhi: [28.6, 77.2],
  }
  for (const [name, [lat, lng]] of Object.entries(inside)) t.equal(insideChinaMainland({ lat, lng }), true, name)
  for (const [name, [lat, lng]] of Object.entries(outside)) t.equal(insideChinaMainland({ lat, lng }), false, name)
})

t.test('the search box contains its circle at every latitude', async t => {
  for (const lat of [0, 31.2, 60, 80, 89.5, -45]) {
    const at = { lat, lng: 10 }
    const r = 5000
    const boxes = boxesAround(at, r)
    // Walk the circle: every point at distance r must be inside one of the boxes.
    for (let bearing = 0; bearing < 360; bearing += 5) {
      const b = (bearing * Math.PI) / 180
      const d = r / 6378137
      const la1 = (lat * Math.PI) / 180
      const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(b))
      const lo2 = 10 + (Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2)) * 180) / Math.PI
      const p = { lat: (la2 * 180) / Math.PI, lng: lo2 }
      const inside = boxes.some(x => p.lat >= x.minLat - 1e-9 && p.lat <= x.maxLat + 1e-9 && p.lng >= x.minLng - 1e-9 && p.lng <= x.maxLng + 1e-9)
      if (!inside) t.fail(`lat ${lat}, bearing ${bearing}: ${p.lat},${p.lng} outside ${JSON.stringify(boxes)}`)
    }
    t.pass(`lat ${lat}`)
  }
  const wide = boxesAround({ lat: 60, lng: 0 }, 1000)[0]!
  const narrow = boxesAround({ lat: 0, lng: 0 }, 1000)[0]!
  t.ok(wide.maxLng - wide.minLng > 1.9 * (narrow.maxLng - narrow.minLng), 'the longitude span grows with 1/cos(lat)')
})

t.test('a circle across the antimeridian is split into two boxes', async t => {
  const boxes = boxesAround({ lat: -17.7, lng: 179.99 }, 5000)
  t.equal(boxes.length, 2)
  t.ok(boxes.some(b => b.maxLng === 180) && boxes.some(b => b.minLng === -180))
  t.same(boxesAround({ lat: 89.99, lng: 0 }, 5000).map(b => [b.minLng, b.maxLng]), [[-180, 180]], 'near a pole: all longitudes')
})
