/** Small numeric helpers shared by the benchmark sections. */

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32), so runs are comparable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal deviate (Box–Muller) from a uniform source. */
export function gaussian(rnd: () => number): number {
  const u = 1 - rnd()
  const v = rnd()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** The p-th percentile (0–100) of already sorted values, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export interface Timing {
  readonly n: number
  /** Milliseconds. */
  readonly p50: number
  readonly p99: number
  readonly mean: number
}

/** Summary of per-operation times in milliseconds. */
export function summarise(samples: readonly number[]): Timing {
  const sorted = Float64Array.from(samples).sort()
  const sum = sorted.reduce((s, x) => s + x, 0)
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sum / sorted.length }
}

/** Times `fn` once per item, in milliseconds. */
export function timeEach<T, R>(items: readonly T[], fn: (item: T) => R): { times: number[]; results: R[] } {
  const times: number[] = []
  const results: R[] = []
  for (const item of items) {
    const t0 = performance.now()
    results.push(fn(item))
    times.push(performance.now() - t0)
  }
  return { times, results }
}

/** Formats milliseconds with a sensible number of digits (0.0123 ms, 1.23 ms, 123 ms). */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '–'
  if (x < 0.1) return `${x.toFixed(4)} ms`
  if (x < 10) return `${x.toFixed(2)} ms`
  return `${x.toFixed(0)} ms`
}

/** 12,345 */
export function int(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–'
}

/** Ratio with two significant decimals, or ×N for large ones. */
export function ratio(x: number): string {
  if (!Number.isFinite(x)) return '–'
  if (x >= 100) return `${int(x)}×`
  if (x >= 10) return `${x.toFixed(0)}×`
  return x.toFixed(2)
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '–'
}
