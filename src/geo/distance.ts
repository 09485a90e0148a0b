import type { LatLng } from './datum.js'

const DEG_TO_RAD = Math.PI / 180
// geolib's Earth radius; boxes (box.ts) use the same sphere.
const EARTH_RADIUS_M = 6378137

/**
 * Great-circle distance in metres, kept to the millimetre so that ranking does not collapse
 * near-equal distances into ties the way whole-metre rounding would.
 *
 * This is geolib's getDistance (spherical law of cosines, radius 6378137 m, rounded to 0.001),
 * written out with the same operations in the same order, so it returns the very same numbers
 * (a test checks it against geolib). geolib first parses each argument as possibly
 * sexagesimal text, which made it the largest single cost of a nearest-places query.
 */
export function distanceM(a: LatLng, b: LatLng): number {
  const fromLat = a.lat * DEG_TO_RAD
  const toLat = b.lat * DEG_TO_RAD
  const deltaLng = (a.lng - b.lng) * DEG_TO_RAD
  const cos = Math.sin(toLat) * Math.sin(fromLat) + Math.cos(toLat) * Math.cos(fromLat) * Math.cos(deltaLng)
  const d = Math.acos(cos > 1 ? 1 : cos < -1 ? -1 : cos) * EARTH_RADIUS_M
  return Math.round(d / 0.001) * 0.001
}
