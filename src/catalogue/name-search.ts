import { keyLength, nameKey, startsWithWord } from '../text/fold.js'

/**
 * How names are stored for lookup and how a folded query key is looked for among them; shared
 * by the catalogue and the gazetteer. A key is never handed to FTS5 as query syntax: it is only
 * ever one quoted phrase, and it holds letters, digits and single spaces only (src/text/fold.ts).
 */

/** Distinct, non-empty folded keys of a row's names. */
export function nameKeys(names: readonly (string | null | undefined)[]): string[] {
  const keys = new Set<string>()
  for (const name of names) {
    if (!name) continue
    const key = nameKey(name)
    if (key) keys.add(key)
  }
  return [...keys]
}

/**
 * The text of a row in an FTS table: each key framed by spaces, one per line. The leading space
 * lets a Latin query match only at the start of a word (" 755" finds "755 Sports Bar", not
 * "0755 Boutique Hotel"); the trailing one lets a short word match only whole (" 1 ").
 */
export function searchText(keys: readonly string[]): string {
  return keys.map(k => ` ${k} `).join('\n')
}

/** Exclusive upper bound of the keys that start with `key` (binary UTF-8 order). */
export function prefixEnd(key: string): string {
  return `${key}\u{10FFFF}`
}

/** Names longer than this do not exist; longer text is never searched inside names. */
export const MAX_CONTAINS_CHARS = 64

export type ContainsPlan =
  | { readonly kind: 'fts'; readonly phrase: string }
  | { readonly kind: 'scan'; readonly needle: string }
  | { readonly kind: 'none' }

/**
 * How to find stored names containing `key`:
 * - Latin or digits first: at a word start (" hil" → Hilton); one or two characters only as a
 *   whole word (" 1 "), since a prefix that short matches nearly everything;
 * - CJK first: anywhere; two characters by a scan (FTS5 trigram cannot match under three —
 *   "外滩", "汉庭"), one character not at all (exact and prefix lookups cover it);
 * - three characters or more: the trigram index, as one quoted phrase.
 */
export function containsPlan(key: string): ContainsPlan {
  const n = keyLength(key)
  if (n === 0 || n > MAX_CONTAINS_CHARS) return { kind: 'none' }
  let needle: string
  if (startsWithWord(key)) needle = n <= 2 ? ` ${key} ` : ` ${key}`
  else if (n === 1) return { kind: 'none' }
  else needle = key
  return keyLength(needle) >= 3 ? { kind: 'fts', phrase: `"${needle.replace(/"/g, '""')}"` } : { kind: 'scan', needle }
}
