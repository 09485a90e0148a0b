import type { LatLng } from '../geo/datum.js'

export const PLACES_PATH = '/places'
/** The results page lists at most this many places. */
export const MAX_PAGE_RESULTS = 100

/**
 * The point as the results page will read it back from its URL (6 decimals, ≈ 0.1 m). Replies
 * rank from this same point, so the distances in a reply and on its page never differ by a metre.
 */
export function pagePoint(at: LatLng): LatLng {
  return { lat: Number(at.lat.toFixed(6)), lng: Number(at.lng.toFixed(6)) }
}

/**
 * The results page for a point: stateless and stable, so any worker process can render it and
 * the link in a reply keeps working. The point is WGS-84, to 6 decimals (≈ 0.1 m).
 */
export function placesPageUrl(publicUrl: string, accountId: string, at: LatLng, extra: Record<string, string> = {}): string {
  // A plain location's link (every location reply has one): the same text URLSearchParams
  // would give, since fixed-point numbers need no encoding, without building one.
  if (accountId === 'default' && isEmpty(extra)) return `${publicUrl}${PLACES_PATH}?lat=${at.lat.toFixed(6)}&lng=${at.lng.toFixed(6)}`
  const q = new URLSearchParams({ lat: at.lat.toFixed(6), lng: at.lng.toFixed(6) })
  if (accountId !== 'default') q.set('a', accountId)
  for (const [k, v] of Object.entries(extra)) q.set(k, v)
  return `${publicUrl}${PLACES_PATH}?${q.toString()}`
}

function isEmpty(o: Record<string, string>): boolean {
  for (const _ in o) return false
  return true
}
