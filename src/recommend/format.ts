/**
 * The pieces every reply about places is made of: distances, how a place is named in a list,
 * and what a catalogue name may carry into a text reply. The replies themselves are in
 * search-copy.ts (lists) and nothing-found.ts (empty answers).
 */
import type { LatLng } from '../geo/datum.js'
import type { RankedPlace } from './place.js'

export interface Summary {
  readonly title: string
  readonly description: string
  readonly url: string
  readonly picUrl: string | undefined
}

/** "85米", "950米", "1.2公里", "12公里", "1,070公里": metres below 1 km, one decimal below 10 km. */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.max(1, Math.round(m))}米`
  if (m < 10_000) return `${(Math.round(m / 100) / 10).toFixed(1)}公里`
  return `${Math.round(m / 1000).toLocaleString('en-US')}公里`
}

export function formatRadius(m: number): string {
  return m < 1000 ? `${m}米` : `${Math.round(m / 100) / 10}公里`
}

/**
 * A catalogue name, or the follower's own words, made safe to put in a text reply. WeChat renders
 * one piece of markup in a text reply, the `<a>` link, and shows everything else as written. So
 * only an `<a …>` or `</a>` tag is defused (its brackets become full-width ＜ ＞: a name can
 * neither make a link to anywhere nor close ours), while "&", "]]>" and "<B>" read exactly as
 * catalogued (the reply XML carries them safely).
 */
export function inert(s: string): string {
  return s.replace(/<(\s*\/?\s*a)(?=[\s>/]|$)([^<>]*)(>?)/giu, (_m, tag: string, rest: string, close: string) => `＜${tag}${rest}${close ? '＞' : ''}`)
}

/**
 * How each listed place is named: its name, and where names repeat in the list ("星巴克" five
 * times) also where it is — the start of its address, else its direction from `from` — so the
 * lines can be told apart.
 */
export function listNames(places: readonly RankedPlace[], from?: LatLng): string[] {
  const names = places.map(r => shortName(r.place.name))
  const seen = new Map<string, number>()
  for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1)
  const wheres = places.map((r, i) => {
    if ((seen.get(names[i]!) ?? 0) < 2) return undefined
    return streetOf(r.place.address) ?? (from ? directionOf(from, r.place) : undefined)
  })
  // Branches in the same street or the same eighth of the compass still need telling apart:
  // those are numbered in list order ("东方向，第2家").
  const labels = names.map((n, i) => (wheres[i] ? `${n}（${wheres[i]}` : undefined))
  const total = new Map<string, number>()
  for (const l of labels) if (l) total.set(l, (total.get(l) ?? 0) + 1)
  const counted = new Map<string, number>()
  return names.map((name, i) => {
    const label = labels[i]
    if (!label) return name
    if ((total.get(label) ?? 0) < 2) return `${label}）`
    const nth = (counted.get(label) ?? 0) + 1
    counted.set(label, nth)
    return `${label}，第${nth}家）`
  })
}

/** A name on one line and of a length a list line can carry (catalogue cells may hold line breaks). */
function shortName(name: string): string {
  const chars = [...name.replace(/\s+/g, ' ')]
  return chars.length > MAX_NAME_CHARS ? `${chars.slice(0, MAX_NAME_CHARS).join('')}…` : chars.join('')
}

const MAX_NAME_CHARS = 40

/** The part of an address that tells branches apart: the city and district dropped, clipped. */
export function streetOf(address: string | null): string | undefined {
  if (!address) return undefined
  let s = address.trim()
  for (let before = ''; before !== s; ) {
    before = s
    s = s
      .replace(/^(?:中国|China)[\s,，]*/iu, '')
      .replace(/^[\p{Script=Han}]{2,3}(?:市|省)[\s,，]*/u, '')
      .replace(/^(?:上海|Shanghai)(?=[\s,，]|$)[\s,，]*/iu, '')
      .replace(/^[\p{Script=Han}]{1,3}(?:新区|区|县)[\s,，]*/u, '')
  }
  if (!s) return undefined
  const chars = [...s.replace(/\s+/g, ' ')]
  // About as wide either way: 14 Chinese characters, or 28 Latin ones.
  const max = /\p{Script=Han}/u.test(s) ? 14 : 28
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('')
}

/** The city an address starts with ("上海市黄浦区…" → 上海), if it does. */
export function cityOf(address: string | null): string | undefined {
  const m = address?.trim().match(/^(?:中国)?\s*([\p{Script=Han}]{2,3}?)市/u)
  return m?.[1]
}

const DIRECTIONS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北']

/** "东北方向": the compass direction of `to` seen from `from`, to the nearest eighth. */
export function directionOf(from: LatLng, to: LatLng): string {
  const rad = Math.PI / 180
  const y = Math.sin((to.lng - from.lng) * rad) * Math.cos(to.lat * rad)
  const x = Math.cos(from.lat * rad) * Math.sin(to.lat * rad) - Math.sin(from.lat * rad) * Math.cos(to.lat * rad) * Math.cos((to.lng - from.lng) * rad)
  const bearing = (Math.atan2(y, x) / rad + 360) % 360
  return `${DIRECTIONS[Math.round(bearing / 45) % 8]}方向`
}

// A link target can never close its attribute or tag.
export function attr(url: string): string {
  return url.replace(/"/g, '%22').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\s/g, '%20')
}
