import { keyOf, rawOf, sourceOf, toUnits, type Unit } from '../text/fold.js'
import { isChainKey } from './brands.js'
import { EDGE_FILLERS, FILLER_KEYS, HELP_KEYS, LINK_WORDS, MAX_FILLER_UNITS, MORE_KEYS, NEAR_ME_KEYS, THANKS_KEYS, joinSyllables } from './query-words.js'
import { fromPlace, isBrand, NameResolver, oneSpot, type Brand, type Centre, type Found, type NameSources } from './resolve-name.js'
import { MAX_WISH_UNITS, wishesInEmoji, wishFilter, wishForKey, type Wish } from './wishes.js'

export type { Brand, Centre, NameSources } from './resolve-name.js'

/**
 * What a typed (or spoken) request asks for: a place to search around, kinds of place, a chain,
 * or a command. Pure domain logic over the name lookups of NameSources; the text itself is never
 * handed to storage as anything but folded keys.
 */
export interface Understanding {
  readonly kind: 'help' | 'thanks' | 'more' | 'search' | 'unknown'
  /** The place named, when one was. */
  readonly centre: Centre | undefined
  readonly wishes: readonly Wish[]
  readonly brand: Brand | undefined
  /** "附近", "nearby": around the follower, when no place is named. */
  readonly nearMe: boolean
  /**
   * Parts of the text that matched nothing, exactly as written ("wifi:free"); parts without a
   * letter ("1=1", "--") are noise and left out.
   */
  readonly ignored: readonly string[]
}

/** Text beyond this is not read (WeChat allows long messages; no request is that long). */
export const MAX_TEXT_CHARS = 200
const MAX_UNITS = 40
/** Splitting a part into place + name is tried up to this many units. */
const MAX_SPLIT_UNITS = 16
const MAX_LOOSE_SPLIT_UNITS = 10
/** A chain name is at most this many units longer than a wish word inside it (汉堡 → 汉堡王). */
const MAX_CHAIN_EXTRA_UNITS = 3

interface Part {
  found?: Found
  /** The follower's own words that named `found`, to echo if another place wins. */
  words?: string
  wishes: Wish[]
  brand?: Brand
  ignored: string[]
}

const NOTHING: Understanding = { kind: 'unknown', centre: undefined, wishes: [], brand: undefined, nearMe: false, ignored: [] }

/** Reads one message. Deterministic: same text and same data, same understanding. */
export function understand(text: string, sources: NameSources): Understanding {
  const raw = text.slice(0, MAX_TEXT_CHARS)
  const emoji = wishesInEmoji(raw)
  const units = toUnits(raw, MAX_UNITS)
  if (units.length === 0) return emoji.length > 0 ? search({ wishes: emoji, ignored: [] }, false) : { ...NOTHING, kind: 'help' }
  const whole = keyOf(units)
  if (MORE_KEYS.has(whole)) return { ...NOTHING, kind: 'more' }
  if (HELP_KEYS.has(whole)) return { ...NOTHING, kind: 'help' }
  if (THANKS_KEYS.has(whole)) return { ...NOTHING, kind: 'thanks' }

  const resolver = new NameResolver(sources)
  // Pinyin typed without its apostrophe ("Jing an", "Xi an"): read joined first, kept when that
  // reading leaves nothing out; else the words as typed.
  const joined = joinSyllables(units)
  if (joined !== units) {
    const u = readUnits(joined, emoji, resolver)
    if (u.kind === 'search' && u.ignored.length === 0 && (u.centre || u.brand)) return u
  }
  return readUnits(units, emoji, resolver)
}

function readUnits(units: readonly Unit[], emoji: readonly Wish[], resolver: NameResolver): Understanding {
  const whole = keyOf(units)
  const wish = wishForKey(whole)
  if (wish) return search({ wishes: union([wish], emoji), ignored: [] }, false)
  // The whole text first: "Cafe NEAR the Bund" is a name before it is "cafe" + "near" + "bund".
  const exact = resolver.exact(whole, rawOf(units))
  if (exact) return search(isBrand(exact) ? { wishes: [...emoji], brand: exact, ignored: [] } : { found: exact, wishes: [...emoji], ignored: [] }, false)

  const { chunks, nearMe, fillers } = splitOnFillers(units)
  const part = chunks.map(c => resolvePart(c, resolver)).reduce(merge, { wishes: [...emoji], ignored: [] })
  if (!part.found && !part.brand && part.wishes.length === 0) {
    if (chunks.length === 0 && fillers > 0 && !nearMe) {
      // Only little words ("NEAR", "and"): perhaps a name that contains them as a word.
      const loose = resolver.containing(whole, rawOf(units))
      if (loose) return search(isBrand(loose) ? { wishes: [], brand: loose, ignored: [] } : { found: loose, wishes: [], ignored: [] }, false)
    }
    if (nearMe) return search(part, true)
    return { ...NOTHING, ignored: part.ignored.length > 0 ? part.ignored : shownIgnored([sourceOf(units)]) }
  }
  return search(withBrandAsPlace(part, resolver), nearMe)
}

/** Fragments worth echoing: those with a letter or a CJK character ("1=1" and "--" are noise). */
function shownIgnored(fragments: readonly string[]): string[] {
  return fragments.filter(f => /\p{L}/u.test(f))
}

/**
 * A name many places share, with no place named, of which only one is of the wished kind ("Peace
 * Hotel": "peace" is a hotel and a park): that place is the one meant. Never for a known chain:
 * "星巴克 咖啡" asks for branches, even when the catalogue has only one.
 */
function withBrandAsPlace(part: Part, resolver: NameResolver): Part {
  if (part.found || !part.brand || part.wishes.length === 0 || isChainKey(part.brand.keys[0] ?? '')) return part
  const accept = wishFilter(part.wishes)
  const places = resolver.brandPlaces(part.brand.keys).filter(accept)
  if (places.length === 0 || !oneSpot(places)) return part
  return { found: { centre: fromPlace(places[0]!), tier: 3 }, words: part.brand.label, wishes: part.wishes, ignored: part.ignored }
}

function search(part: Part, nearMe: boolean): Understanding {
  // "附近" between a place and a wish ("人民广场附近的咖啡") is about that place, not the follower.
  const ignored = shownIgnored(part.ignored)
  return { kind: 'search', centre: part.found?.centre, wishes: part.wishes, brand: part.brand, nearMe: nearMe && !part.found, ignored }
}

/** Cuts the text at filler phrases ("附近的", "near", "我想找"), longest phrase first. */
function splitOnFillers(units: readonly Unit[]): { chunks: Unit[][]; nearMe: boolean; fillers: number } {
  const chunks: Unit[][] = []
  let current: Unit[] = []
  let nearMe = false
  let fillers = 0
  for (let i = 0; i < units.length; ) {
    let matched = 0
    for (let len = Math.min(MAX_FILLER_UNITS, units.length - i); len >= 1; len--) {
      const key = keyOf(units, i, i + len)
      if (FILLER_KEYS.has(key)) {
        matched = len
        if (NEAR_ME_KEYS.has(key)) nearMe = true
        break
      }
    }
    if (matched === 0) {
      current.push(units[i]!)
      i++
      continue
    }
    fillers++
    if (current.length > 0) chunks.push(current)
    current = []
    i += matched
  }
  if (current.length > 0) chunks.push(current)
  return { chunks, nearMe, fillers }
}

/**
 * One part of the request, in order of confidence: a wish word; a name exactly; a wish word at
 * either end plus the rest; a name by prefix; a place + a chain ("KFC 静安寺", "静安寺肯德基");
 * a name by substring; the part without a stray 的/在/找 at its edges; a name with noise beside it.
 */
function resolvePart(units: readonly Unit[], resolver: NameResolver): Part {
  const n = units.length
  if (n === 0) return { wishes: [], ignored: [] }
  const key = keyOf(units)
  const label = rawOf(units)
  const words = sourceOf(units)
  const wish = wishForKey(key)
  if (wish) return { wishes: [wish], ignored: [] }

  const exact = resolver.exact(key, label)
  if (exact) return isBrand(exact) ? { brand: exact, wishes: [], ignored: [] } : { found: exact, words, wishes: [], ignored: [] }

  for (let len = Math.min(MAX_WISH_UNITS, n - 1); len >= 1; len--) {
    // "汉堡王 人民广场" starts with a chain, not with the wish "汉堡".
    const tail = wishForKey(keyOf(units, n - len, n))
    if (tail && !chainAround(units, n - len, n)) return merge({ wishes: [tail], ignored: [] }, resolvePart(units.slice(0, n - len), resolver))
    const head = wishForKey(keyOf(units, 0, len))
    if (head && !chainAround(units, 0, len)) return merge({ wishes: [head], ignored: [] }, resolvePart(units.slice(len), resolver))
  }

  const prefix = resolver.prefix(key) ?? resolver.abbreviation(key)
  if (prefix) return { found: prefix, words, wishes: [], ignored: [] }

  const split = n <= MAX_SPLIT_UNITS ? placeAndBrand(units, resolver) : undefined
  if (split) return split

  const loose = resolver.containing(key, label)
  if (loose) return isBrand(loose) ? { brand: loose, wishes: [], ignored: [] } : { found: loose, words, wishes: [], ignored: [] }

  if (units[0]!.cjk && EDGE_FILLERS.has(units[0]!.text)) return resolvePart(units.slice(1), resolver)
  if (units[n - 1]!.cjk && EDGE_FILLERS.has(units[n - 1]!.text)) return resolvePart(units.slice(0, n - 1), resolver)

  if (n <= MAX_LOOSE_SPLIT_UNITS) {
    const partial = nameBesideNoise(units, resolver)
    if (partial) return partial
  }
  return { wishes: [], ignored: [words] }
}

/** Whether units [from, to), at an edge of the part, are the start or end of a longer chain name there. */
function chainAround(units: readonly Unit[], from: number, to: number): boolean {
  const n = units.length
  for (let extra = 1; extra <= MAX_CHAIN_EXTRA_UNITS; extra++) {
    if (from === 0 && to + extra <= n && isChainKey(keyOf(units, 0, to + extra))) return true
    if (to === n && from - extra >= 0 && isChainKey(keyOf(units, from - extra, n))) return true
  }
  return false
}

/**
 * The best cut of a part into a place named exactly and a chain carried by catalogue places (or
 * known as one), side by side ("KFC 静安寺") or joined by 的/有/在 ("南京东路的星巴克").
 */
function placeAndBrand(units: readonly Unit[], resolver: NameResolver): Part | undefined {
  let best: { part: Part; tier: number; placeUnits: number } | undefined
  const consider = (place: readonly [number, number], name: readonly [number, number]) => {
    const found = resolver.exact(keyOf(units, ...place), rawOf(units, ...place))
    if (!found || isBrand(found)) return
    const placeUnits = place[1] - place[0]
    if (best && (found.tier > best.tier || (found.tier === best.tier && placeUnits <= best.placeUnits))) return
    const brand = resolver.brand(keyOf(units, ...name), rawOf(units, ...name))
    if (!brand) return
    best = { part: { found, words: sourceOf(units, ...place), brand, wishes: [], ignored: [] }, tier: found.tier, placeUnits }
  }
  const n = units.length
  for (let i = 1; i < n; i++) {
    consider([0, i], [i, n])
    consider([i, n], [0, i])
    const link = units[i]!
    if (i + 1 < n && link.cjk && LINK_WORDS.has(link.text)) {
      consider([0, i], [i + 1, n])
      consider([i + 1, n], [0, i])
    }
  }
  return best?.part
}

/** A name with words beside it that match nothing ("name:Hilton" → Hilton, "name" ignored). */
function nameBesideNoise(units: readonly Unit[], resolver: NameResolver): Part | undefined {
  let best: { part: Part; size: number } | undefined
  for (let i = 1; i < units.length; i++) {
    for (const [keep, drop] of [
      [[0, i], [i, units.length]],
      [[i, units.length], [0, i]],
    ] as const) {
      const size = keep[1] - keep[0]
      if (best && size <= best.size) continue
      const k = keyOf(units, ...keep)
      const label = rawOf(units, ...keep)
      const r = resolver.exact(k, label) ?? resolver.startingWith(k, label)
      if (!r) continue
      const ignored = [sourceOf(units, ...drop)]
      best = { part: isBrand(r) ? { brand: r, wishes: [], ignored } : { found: r, words: sourceOf(units, ...keep), wishes: [], ignored }, size }
    }
  }
  return best?.part
}

/** Two parts of one request together; the better-matched place wins, a second one is noted as ignored. */
function merge(a: Part, b: Part): Part {
  const out: Part = { wishes: union(a.wishes, b.wishes), ignored: [...a.ignored, ...b.ignored] }
  if (a.found && b.found) {
    // The losing place is echoed in the follower's words, not by the name it matched.
    const [win, lose] = b.found.tier < a.found.tier ? [b, a] : [a, b]
    out.found = win.found
    if (win.words !== undefined) out.words = win.words
    out.ignored.push(lose.words ?? lose.found!.centre.name)
  } else if (a.found || b.found) {
    const one = a.found ? a : b
    out.found = one.found
    if (one.words !== undefined) out.words = one.words
  }
  const brand = a.brand ?? b.brand
  if (brand) out.brand = brand
  return out
}

function union(a: readonly Wish[], b: readonly Wish[]): Wish[] {
  const out = [...a]
  for (const w of b) if (!out.includes(w)) out.push(w)
  return out
}
