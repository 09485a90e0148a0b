/**
 * Where GCJ-02 applies: mainland China, Hong Kong and Macau (Tencent's location services use
 * WGS-84 for Taiwan and abroad — protocol doc §3.4). A rectangle is not enough: Seoul, Hanoi
 * and Bangkok all fall inside China's bounding box, and shifting them would move a user ~500 m.
 *
 * The outline is deliberately coarse (about 110 vertices, land borders followed to within
 * roughly 20–50 km, the sea border drawn offshore between the coast and Korea, Japan, Taiwan and
 * Vietnam). It decides correctly for every city and town away from a land border; within a few
 * tens of kilometres of one the answer may be wrong, which costs at most the ~500 m offset.
 */
import type { LatLng } from './datum.js'

// [lng, lat] pairs, clockwise from the sea off Dandong.
const OUTLINE: ReadonlyArray<readonly [number, number]> = [
  [124.0, 39.6], [125.3, 40.6], [126.9, 41.75], [128.1, 41.45], [128.1, 42.0], [129.7, 42.45],
  [130.6, 42.45], [131.0, 42.9], [131.2, 44.9], [133.1, 45.1], [134.2, 47.3], [134.7, 48.3],
  [132.5, 47.7], [130.7, 48.9], [129.5, 49.4], [127.5, 49.8], [126.0, 52.8], [123.5, 53.6],
  [121.2, 53.3], [119.2, 50.3], [116.7, 49.85], [115.5, 48.1], [117.3, 47.65], [118.5, 47.99],
  [119.7, 47.2], [119.9, 46.7], [117.4, 46.55], [115.5, 45.4], [113.6, 44.75], [111.9, 43.7],
  [110.4, 42.7], [107.0, 42.4], [105.0, 41.6], [100.8, 42.65], [96.4, 42.75], [95.4, 44.3],
  [93.5, 44.95], [91.0, 45.3], [90.9, 46.3], [90.0, 47.9], [88.0, 48.6], [87.8, 49.17],
  [86.8, 49.0], [85.5, 48.1], [85.6, 47.1], [83.0, 47.2], [82.3, 45.5], [80.0, 44.9],
  [80.4, 44.0], [80.8, 43.2], [80.2, 42.2], [78.0, 41.2], [76.7, 40.9], [75.6, 40.6],
  [74.0, 40.1], [73.5, 39.5], [73.7, 38.5], [74.9, 37.3], [75.4, 36.9], [76.5, 35.8],
  [77.8, 35.5], [78.3, 34.6], [78.9, 33.0], [78.4, 32.5], [78.8, 31.4], [81.1, 30.0],
  [83.5, 29.2], [85.5, 28.3], [86.9, 27.95], [88.1, 27.9], [88.8, 27.3], [89.2, 28.0],
  [90.3, 28.3], [91.6, 27.9], [93.8, 28.3], [96.2, 29.4], [97.3, 28.3], [98.2, 27.6],
  [98.7, 26.1], [97.6, 24.8], [97.7, 23.9], [98.9, 23.2], [99.5, 22.9], [99.2, 22.1],
  [99.95, 22.05], [100.2, 21.45], [101.15, 21.15], [101.8, 21.8], [102.1, 22.4], [102.5, 22.75],
  [104.0, 22.5], [105.3, 23.3], [106.7, 22.85], [106.7, 22.0], [107.4, 21.6], [108.05, 21.5],
  [108.5, 17.9], [110.2, 17.9], [111.2, 19.0], [111.5, 20.5], [113.5, 21.5], [114.3, 21.8],
  [116.0, 22.3], [117.9, 23.0], [119.2, 24.3], [120.3, 25.4], [120.7, 26.6], [122.5, 28.5],
  [123.0, 30.0], [123.3, 33.5], [123.3, 37.5],
]

const MIN_LNG = Math.min(...OUTLINE.map(p => p[0]))
const MAX_LNG = Math.max(...OUTLINE.map(p => p[0]))
const MIN_LAT = Math.min(...OUTLINE.map(p => p[1]))
const MAX_LAT = Math.max(...OUTLINE.map(p => p[1]))

/** True when the point lies where Chinese maps use GCJ-02 (mainland, Hong Kong, Macau). */
export function insideChinaMainland(p: LatLng): boolean {
  const x = p.lng
  const y = p.lat
  if (x < MIN_LNG || x > MAX_LNG || y < MIN_LAT || y > MAX_LAT) return false
  // Even-odd ray casting towards +x.
  let inside = false
  for (let i = 0, j = OUTLINE.length - 1; i < OUTLINE.length; j = i++) {
    const [xi, yi] = OUTLINE[i]!
    const [xj, yj] = OUTLINE[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}
