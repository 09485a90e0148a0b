import type { Catalogue } from './catalogue/repository.js'
import { gcj02ToWgs84, wgs84ToGcj02, type LatLng } from './geo/datum.js'
import { nearestPlaces } from './recommend/nearest.js'

/** The pin the start-up banner suggests first: on Nanjing Road, as WeChat would send it (GCJ-02). */
export const NANJING_ROAD_PIN = { lat: 31.236712, lng: 121.481236 }

export interface SamplePin {
  /** In the datum WeChat sends (GCJ-02 inside mainland China), ready for `npm run send -- location`. */
  readonly pin: LatLng
  /** Where it is, for the banner. */
  readonly near: string
}

/**
 * A location worth sending to try a catalogue: the Nanjing Road pin when the catalogue has
 * places around it, else one of its own places (the middle one by import order), so an account
 * in Hangzhou is not told to try a pin that can only answer "nothing nearby".
 */
export function samplePin(catalogue: Catalogue, maxRadiusM: number): SamplePin | undefined {
  // Through the R*Tree: a supervisor process never builds the in-memory index it has no use for.
  const onDisk = { inBox: catalogue.inBox.bind(catalogue), pointsInBox: catalogue.pointsInBox.bind(catalogue), placesByKey: catalogue.placesByKey.bind(catalogue) }
  if (nearestPlaces(gcj02ToWgs84(NANJING_ROAD_PIN), onDisk, { limit: 1, maxRadiusM }).length > 0) {
    return { pin: NANJING_ROAD_PIN, near: 'Nanjing Road' }
  }
  const middle = catalogue.db
    .prepare<[], { name: string; lat: number; lng: number }>('SELECT name, lat, lng FROM places ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM places)')
    .get()
  if (!middle) return undefined
  const pin = wgs84ToGcj02({ lat: middle.lat, lng: middle.lng })
  return { pin: { lat: Number(pin.lat.toFixed(6)), lng: Number(pin.lng.toFixed(6)) }, near: middle.name }
}
