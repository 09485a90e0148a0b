import type { LatLng } from './datum.js'

/** A latitude/longitude rectangle, never crossing the antimeridian (see boxesAround). */
export interface Box {
  readonly minLat: number
  readonly maxLat: number
  readonly minLng: number
  readonly maxLng: number
}

// geolib's mean Earth radius; the box must use the same sphere as the distances it guards.
const EARTH_RADIUS_M = 6378137

/**
 * Rectangles that together contain every point within `radiusM` of `p`. The longitude half-width
 * grows with 1/cos(lat) and is computed from the widest latitude the circle reaches, so the box
 * is right at any latitude; near a pole it spans all longitudes, and a circle that crosses
 * ±180° is split into two rectangles.
 */
export function boxesAround(p: LatLng, radiusM: number): Box[] {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI)
  const minLat = Math.max(-90, p.lat - dLat)
  const maxLat = Math.min(90, p.lat + dLat)
  const widestLat = Math.max(Math.abs(minLat), Math.abs(maxLat))
  if (widestLat >= 89.999) return [{ minLat, maxLat, minLng: -180, maxLng: 180 }]
  // The exact half-width of a small circle seen from the sphere's centre.
  const angular = radiusM / EARTH_RADIUS_M
  const ratio = Math.sin(angular) / Math.cos((p.lat * Math.PI) / 180)
  if (ratio >= 1) return [{ minLat, maxLat, minLng: -180, maxLng: 180 }]
  const dLng = Math.max(Math.asin(ratio) * (180 / Math.PI), dLat / Math.cos((widestLat * Math.PI) / 180))
  if (dLng >= 180) return [{ minLat, maxLat, minLng: -180, maxLng: 180 }]
  const minLng = p.lng - dLng
  const maxLng = p.lng + dLng
  if (minLng < -180) {
    return [
      { minLat, maxLat, minLng: minLng + 360, maxLng: 180 },
      { minLat, maxLat, minLng: -180, maxLng },
    ]
  }
  if (maxLng > 180) {
    return [
      { minLat, maxLat, minLng, maxLng: 180 },
      { minLat, maxLat, minLng: -180, maxLng: maxLng - 360 },
    ]
  }
  return [{ minLat, maxLat, minLng, maxLng }]
}
