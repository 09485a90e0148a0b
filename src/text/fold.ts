import { simplify } from './traditional.js'

/**
 * Folding of names and typed text into comparable keys. Used on both sides — when a catalogue or
 * gazetteer is imported (stored keys) and when a follower's text is read (query keys) — so the two
 * always agree. Nothing here is query syntax: every character that is not a letter or digit
 * becomes a separator, so quotes, brackets, `*`, `:` and `-` can never reach a search engine.
 */

/** One piece of folded text: a Latin/digit word, or a single CJK character. */
export interface Unit {
  /** The folded form compared with stored keys. */
  readonly text: string
  /** The piece as the user wrote it (width-normalised), for echoing back. */
  readonly raw: string
  readonly cjk: boolean
  /** The original had a separator (space, punctuation) right before this unit. */
  readonly gap: boolean
  /** What stood between the previous unit and this one, as written ("=" in "1=1"; "" for none). */
  readonly sep: string
}

// Characters read one at a time: Chinese (incl. rare extensions), Japanese kana, Korean.
const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}'
const CJK = new RegExp(`[${CJK_CLASS}]`, 'u')
// One CJK character | a run of other letters and digits | a run of anything else (separators).
const PIECES = new RegExp(`[${CJK_CLASS}]|(?:(?![${CJK_CLASS}])[\\p{L}\\p{N}])+|[^\\p{L}\\p{N}]+`, 'gu')
const SEPARATOR = /^[^\p{L}\p{N}]+$/u
const APOSTROPHE = /['’‘`´]/
/** Words that never distinguish one name from another ("The Bund" is "Bund"). */
const DROPPED_WORDS = new Set(['the'])

/**
 * Width (Ｈｉｌｔｏｎ → Hilton) and apostrophes (Jing'an → Jingan, People's → People), keeping
 * case: the form echoed back to the user.
 */
function prepare(s: string): string {
  const t = s.normalize('NFKC')
  if (!APOSTROPHE.test(t)) return t
  return t.replace(/(\p{L})['’‘`´][sS](?![\p{L}\p{N}])/gu, '$1').replace(/(\p{L})['’‘`´](?=\p{L})/gu, '$1')
}

/** Case, Latin accents (café → cafe) and Traditional → Simplified, on prepared text. */
function fold(s: string): string {
  return simplify(s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC'))
}

/** The whole folding, separators kept: for tests and for comparing short fixed words. */
export function foldText(s: string): string {
  return fold(prepare(s))
}

/**
 * Text → units, at most `max` of them. A Latin word loses a plural/possessive "s" (hotels → hotel,
 * Starbucks → starbuck, on both sides alike) so "Peoples Square" and "People's Square" meet.
 */
export function toUnits(s: string, max = Infinity): Unit[] {
  const units: Unit[] = []
  let gap = false
  let sep = ''
  for (const m of prepare(s).matchAll(PIECES)) {
    const raw = m[0]
    if (SEPARATOR.test(raw)) {
      gap = units.length > 0
      if (gap) sep += raw
      continue
    }
    const folded = fold(raw)
    if (CJK.test(raw)) {
      units.push({ text: folded, raw, cjk: true, gap, sep })
    } else {
      if (DROPPED_WORDS.has(folded)) {
        gap = units.length > 0
        if (gap) sep += raw
        continue
      }
      units.push({ text: stem(folded), raw, cjk: false, gap, sep })
    }
    gap = false
    sep = ''
    if (units.length >= max) break
  }
  return units
}

function stem(word: string): string {
  return word.length >= 4 && word.endsWith('s') && !word.endsWith('ss') && /^[a-z]+$/.test(word) ? word.slice(0, -1) : word
}

/**
 * The key of a run of units: CJK characters joined directly, words separated by one space, and a
 * space between a word and a CJK character — so every Latin word starts after a space, which is
 * what word-start matching looks for.
 */
export function keyOf(units: readonly Unit[], from = 0, to = units.length): string {
  return join(units, from, to, 'text')
}

/** The same run as the user wrote it, for replies ("KFC", not "kfc"). */
export function rawOf(units: readonly Unit[], from = 0, to = units.length): string {
  return join(units, from, to, 'raw')
}

/**
 * The same run exactly as written between its first and last unit, separators included
 * ("1=1", "wifi:free"), for echoing a part of the request that was not understood.
 */
export function sourceOf(units: readonly Unit[], from = 0, to = units.length): string {
  let out = ''
  for (let i = from; i < to; i++) out += (i > from ? units[i]!.sep : '') + units[i]!.raw
  return out
}

function join(units: readonly Unit[], from: number, to: number, field: 'text' | 'raw'): string {
  let out = ''
  for (let i = from; i < to; i++) {
    const u = units[i]!
    if (i > from && !(u.cjk && units[i - 1]!.cjk)) out += ' '
    out += u[field]
  }
  return out
}

/**
 * A stored name's key: what import writes and lookups compare against. The same as
 * `keyOf(toUnits(name))`, computed without the units: an import folds every name of a
 * catalogue, a million at a time, and most names are short runs of ASCII words and CJK
 * characters whose folding is known without the general path (see the test comparing the two).
 */
export function nameKey(name: string): string {
  const s = prepare(name)
  let key = ''
  let lastCjk = false
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!
    const width = cp > 0xffff ? 2 : 1
    const kind = charKind(cp)
    if ((kind & LETTER_OR_DIGIT) === 0) {
      // A separator, or a CJK-script symbol such as a radical (toUnits drops those too).
      i += width
      continue
    }
    if (kind & CJK_CHAR) {
      const raw = s.slice(i, i + width)
      i += width
      if (key !== '' && !lastCjk) key += ' '
      key += foldPiece(raw)
      lastCjk = true
      continue
    }
    let end = i + width
    while (end < s.length) {
      const next = s.codePointAt(end)!
      if (charKind(next) !== LETTER_OR_DIGIT) break
      end += next > 0xffff ? 2 : 1
    }
    const raw = s.slice(i, end)
    i = end
    const folded = ASCII.test(raw) ? raw.toLowerCase() : foldPiece(raw)
    if (DROPPED_WORDS.has(folded)) continue
    if (key !== '') key += ' '
    key += stem(folded)
    lastCjk = false
  }
  return key
}

const CJK_CHAR = 1
const LETTER_OR_DIGIT = 2
const ASCII = /^[\x00-\x7f]*$/
const LETTER_OR_DIGIT_RE = /[\p{L}\p{N}]/u
/** Character kinds and foldings of non-ASCII pieces seen so far (names repeat them); bounded. */
const MEMO_LIMIT = 1 << 16
const kinds = new Map<number, number>()
const folds = new Map<string, string>()

function charKind(cp: number): number {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a) ? LETTER_OR_DIGIT : 0
  let kind = kinds.get(cp)
  if (kind === undefined) {
    const ch = String.fromCodePoint(cp)
    kind = (CJK.test(ch) ? CJK_CHAR : 0) | (LETTER_OR_DIGIT_RE.test(ch) ? LETTER_OR_DIGIT : 0)
    if (kinds.size < MEMO_LIMIT) kinds.set(cp, kind)
  }
  return kind
}

function foldPiece(piece: string): string {
  let folded = folds.get(piece)
  if (folded === undefined) {
    folded = fold(piece)
    if (folds.size < MEMO_LIMIT) folds.set(piece, folded)
  }
  return folded
}

/** True when the key starts with a Latin letter or digit (word-start matching applies). */
export function startsWithWord(key: string): boolean {
  const first = key.codePointAt(0)
  return first !== undefined && !CJK.test(String.fromCodePoint(first))
}

/** Number of characters (code points) in a key. */
export function keyLength(key: string): number {
  let n = 0
  for (const _ of key) n++
  return n
}
