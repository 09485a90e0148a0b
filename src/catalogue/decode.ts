import { isUtf8 } from 'node:buffer'
import { AppError } from '../errors.js'

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'

export interface Utf8Source {
  /** The file's content as UTF-8 bytes, without a byte-order mark. */
  readonly bytes: Buffer
  /** The encoding the file was written in. */
  readonly encoding: TextEncoding
}

/**
 * Bytes of an operator's file → UTF-8 bytes. A BOM decides; otherwise strict UTF-8; otherwise
 * GB18030 (a superset of GBK, what Chinese Excel writes for "CSV"). Anything that is neither is
 * refused with the encoding named, so mojibake is never stored. UTF-8 input (the usual case) is
 * passed through without a copy: the CSV parser reads bytes, and a 1M-row file stays one buffer.
 */
export function toUtf8(bytes: Buffer): Utf8Source {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const rest = bytes.subarray(3)
    if (!isUtf8(rest)) throw notText('it starts with a UTF-8 byte-order mark but is not valid UTF-8')
    return { bytes: rest, encoding: 'utf-8' }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return reencode(bytes.subarray(2), 'utf-16le')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return reencode(bytes.subarray(2), 'utf-16be')
  // UTF-16 without a BOM is valid "UTF-8" full of NULs: catch it before it becomes garbage headers.
  if (bytes.subarray(0, 4096).includes(0)) {
    throw notText('it contains NUL bytes (UTF-16 without a byte-order mark, or not a text file)')
  }
  if (isUtf8(bytes)) return { bytes, encoding: 'utf-8' }
  try {
    return reencode(bytes, 'gb18030')
  } catch (err) {
    throw notText('it is neither UTF-8 nor GBK/GB18030 text', err)
  }
}

/** Bytes → text, for formats parsed as a whole string (GeoJSON). */
export function decodeText(bytes: Buffer): { text: string; encoding: TextEncoding } {
  const { bytes: utf8, encoding } = toUtf8(bytes)
  return { text: utf8.toString('utf8'), encoding }
}

function reencode(bytes: Uint8Array, encoding: TextEncoding): Utf8Source {
  // fatal: a byte sequence the encoding does not define throws instead of becoming U+FFFD.
  const text = new TextDecoder(encoding, { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  return { bytes: Buffer.from(text, 'utf8'), encoding }
}

function notText(why: string, cause?: unknown): AppError {
  return new AppError('IMPORT_BAD_FILE', `the file cannot be read as text: ${why}; save it as UTF-8 CSV`, 400, { cause })
}
