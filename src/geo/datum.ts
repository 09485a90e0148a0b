/**
 * Conversions between WGS-84 (GPS, OpenStreetMap, our catalogue), GCJ-02 (the mandated datum of
 * maps in mainland China, used by WeChat's map picker) and BD-09 (Baidu's further offset).
 * GCJ-02 is a published, deterministic obfuscation of WGS-84; its inverse has no closed form, so
 * we invert it by fixed-point iteration to well under a centimetre.
 */
import { insideChinaMainland } from './china-outline.js'

export interface LatLng {
  readonly lat: number
  readonly lng: number
}

// Krasovsky 1940 ellipsoid, as the GCJ-02 algorithm defines it.
const A = 6378245.0
const EE = 0.00669342162296594323

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3
  return r
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3
  return r
}

/** The GCJ-02 shift applied to a WGS-84 point (no check for the China outline). */
function shift(p: LatLng): LatLng {
  const dLat0 = offsetLat(p.lng - 105, p.lat - 35)
  const dLng0 = offsetLng(p.lng - 105, p.lat - 35)
  const radLat = (p.lat / 180) * Math.PI
  const s = Math.sin(radLat)
  const magic = 1 - EE * s * s
  const sqrtMagic = Math.sqrt(magic)
  const dLat = (dLat0 * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  const dLng = (dLng0 * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return { lat: p.lat + dLat, lng: p.lng + dLng }
}

/** WGS-84 → GCJ-02. Points outside mainland China, Hong Kong and Macau are returned unchanged. */
export function wgs84ToGcj02(p: LatLng): LatLng {
  return insideChinaMainland(p) ? shift(p) : { lat: p.lat, lng: p.lng }
}

/**
 * GCJ-02 → WGS-84. Outside the GCJ-02 area (Taiwan, abroad) WeChat's map already gives WGS-84,
 * so the point is returned unchanged (protocol doc §3.4).
 */
export function gcj02ToWgs84(g: LatLng): LatLng {
  if (!insideChinaMainland(g)) return { lat: g.lat, lng: g.lng }
  // The shift varies slowly (≈ 1e-5 per degree), so each step gains about five digits.
  let w = { lat: g.lat, lng: g.lng }
  for (let i = 0; i < 10; i++) {
    const s = shift(w)
    const dLat = s.lat - g.lat
    const dLng = s.lng - g.lng
    w = { lat: w.lat - dLat, lng: w.lng - dLng }
    if (Math.abs(dLat) < 1e-10 && Math.abs(dLng) < 1e-10) break
  }
  return w
}

const X_PI = (Math.PI * 3000) / 180

/**
 * BD-09 (Baidu) → GCJ-02. The usual closed-form reverse is only good to a few metres, so it
 * seeds a short fixed-point refinement against the exact forward transform.
 */
export function bd09ToGcj02(b: LatLng): LatLng {
  const x = b.lng - 0.0065
  const y = b.lat - 0.006
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI)
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI)
  let g = { lat: z * Math.sin(theta), lng: z * Math.cos(theta) }
  for (let i = 0; i < 5; i++) {
    const f = gcj02ToBd09(g)
    g = { lat: g.lat - (f.lat - b.lat), lng: g.lng - (f.lng - b.lng) }
  }
  return g
}

/** GCJ-02 → BD-09 (Baidu). */
export function gcj02ToBd09(g: LatLng): LatLng {
  const z = Math.sqrt(g.lng * g.lng + g.lat * g.lat) + 0.00002 * Math.sin(g.lat * X_PI)
  const theta = Math.atan2(g.lat, g.lng) + 0.000003 * Math.cos(g.lng * X_PI)
  return { lat: z * Math.sin(theta) + 0.006, lng: z * Math.cos(theta) + 0.0065 }
}

export type Datum = 'wgs84' | 'gcj02' | 'bd09'

/** Any supported datum → WGS-84, the datum of the catalogue and of every distance we compute. */
export function toWgs84(p: LatLng, datum: Datum): LatLng {
  switch (datum) {
    case 'wgs84':
      return { lat: p.lat, lng: p.lng }
    case 'gcj02':
      return gcj02ToWgs84(p)
    case 'bd09':
      return gcj02ToWgs84(bd09ToGcj02(p))
  }
}
