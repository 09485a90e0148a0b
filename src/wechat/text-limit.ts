/**
 * WeChat drops text replies longer than about 2,047 UTF-8 bytes (protocol doc §4.3); we keep a
 * margin. Cutting must never split a character: a broken UTF-8 sequence or a lone surrogate
 * makes the XML invalid and the user sees "service unavailable".
 */
export const TEXT_REPLY_MAX_BYTES = 2000

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between code points. */
export function truncateUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (utf8Length(text) <= maxBytes) return text
  const budget = maxBytes - utf8Length(ellipsis)
  let bytes = 0
  let end = 0
  for (const ch of text) {
    const size = utf8Length(ch)
    if (bytes + size > budget) break
    bytes += size
    end += ch.length
  }
  return text.slice(0, end) + ellipsis
}

// Characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates).
// A spreadsheet's U+000B in a catalogue name would otherwise make the whole reply unparsable.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Replaces characters that XML 1.0 cannot carry by a space (so "Vertical\vTab" reads as two words). */
export function xmlSafeText(text: string): string {
  return text.replace(XML_FORBIDDEN, ' ')
}
