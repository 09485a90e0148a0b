import { insideChinaMainland } from '../geo/china-outline.js'
import { wgs84ToGcj02, type LatLng } from '../geo/datum.js'

/**
 * A link that opens the place on a map the user's phone can show. In mainland China that is
 * Amap's public marker page, which expects GCJ-02 (so the WGS-84 point is shifted first);
 * elsewhere OpenStreetMap, which is WGS-84.
 */
export function mapLink(p: LatLng, name: string): string {
  if (insideChinaMainland(p)) {
    const g = wgs84ToGcj02(p)
    return (
      `https://uri.amap.com/marker?position=${g.lng.toFixed(6)},${g.lat.toFixed(6)}` +
      `&name=${encodeURIComponent(name)}&coordinate=gaode&callnative=0`
    )
  }
  const lat = p.lat.toFixed(6)
  const lng = p.lng.toFixed(6)
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=18/${lat}/${lng}`
}
