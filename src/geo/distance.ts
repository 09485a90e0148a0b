import { getDistance } from 'geolib'
import type { LatLng } from './datum.js'

/**
 * Great-circle distance in metres (geolib), kept to the millimetre so that ranking does not
 * collapse near-equal distances into ties the way whole-metre rounding would.
 */
export function distanceM(a: LatLng, b: LatLng): number {
  return getDistance({ latitude: a.lat, longitude: a.lng }, { latitude: b.lat, longitude: b.lng }, 0.001)
}
