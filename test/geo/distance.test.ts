import { getDistance } from 'geolib'
import t from 'tap'
import { distanceM } from '../../src/geo/distance.js'

/** A deterministic pseudo-random sequence, so failures can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
}

t.test('returns exactly what geolib getDistance returns to the millimetre, near and far', async t => {
  const rnd = random(11)
  let differ = 0
  const scales = [1e-6, 1e-4, 1e-2, 1, 90]
  for (let i = 0; i < 50_000; i++) {
    const a = { lat: (rnd() - 0.5) * 180, lng: (rnd() - 0.5) * 360 }
    const s = scales[i % scales.length]!
    const b = { lat: Math.max(-90, Math.min(90, a.lat + (rnd() - 0.5) * s)), lng: a.lng + (rnd() - 0.5) * s }
    const want = getDistance({ latitude: a.lat, longitude: a.lng }, { latitude: b.lat, longitude: b.lng }, 0.001)
    if (distanceM(a, b) !== want) differ++
  }
  t.equal(differ, 0)
})

t.test('known distances', async t => {
  t.equal(distanceM({ lat: 31.2, lng: 121.5 }, { lat: 31.2, lng: 121.5 }), 0)
  // One degree of latitude on geolib's sphere (radius 6378137 m): π·R/180 = 111319.49 m.
  t.equal(Math.round(distanceM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })), 111319)
  t.equal(Math.round(distanceM({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })), 111319, 'across the antimeridian')
})
