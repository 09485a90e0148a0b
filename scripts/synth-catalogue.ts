/**
 * npx tsx scripts/synth-catalogue.ts <rows> > places.csv
 * Writes a synthetic catalogue (CSV, WGS-84) for trying imports and refreshes at scale: points
 * scattered around a few real city centres, Chinese and English names, a repeatable sequence.
 */
import { once } from 'node:events'

const CENTRES = [
  [31.2304, 121.4737], [39.9042, 116.4074], [22.5431, 114.0579], [30.5728, 104.0668], [1.3521, 103.8198],
  [37.5665, 126.978], [13.7563, 100.5018], [4.711, -74.0721], [47.4979, 19.0402], [41.3874, 2.1686],
] as const
/** Category and a name stem for it; some stems need CSV quoting (a comma, quotes). */
const KINDS = [
  ['hotel', '酒店'],
  ['hotel', 'Hotel'],
  ['cafe', 'Café "Corner"'],
  ['restaurant', '小吃'],
  ['convenience', '便利店'],
  ['bank', 'Bank, Branch'],
  ['fast_food', 'Burger'],
] as const

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000)
  let seed = 42
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
  const out = process.stdout
  out.write('id,name,category,lat,lng,address\n')
  let chunk = ''
  for (let i = 1; i <= rows; i++) {
    const [lat, lng] = CENTRES[i % CENTRES.length]!
    const [category, stem] = KINDS[Math.floor(random() * KINDS.length)]!
    const name = `${stem} ${i}`
    const quoted = /[",]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name
    const dLat = (random() - 0.5) * 0.4
    const dLng = (random() - 0.5) * 0.4
    chunk += `s${i},${quoted},${category},${(lat + dLat).toFixed(6)},${(lng + dLng).toFixed(6)},No. ${i % 997} Road\n`
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.write(chunk)
}

void main()
