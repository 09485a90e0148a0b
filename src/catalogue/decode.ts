import { AppError } from '../errors.js'

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'

/**
 * Bytes of an operator's file → text. A BOM decides; otherwise strict UTF-8; otherwise
 * GB18030 (a superset of GBK, what Chinese Excel writes for "CSV"). Anything that is neither
 * is refused with the encoding named, so mojibake is never stored.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decode(bytes.subarray(3), 'utf-8')
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decode(bytes.subarray(2), 'utf-16le')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decode(bytes.subarray(2), 'utf-16be')
  try {
    return decode(bytes, 'utf-8')
  } catch {
    try {
      return decode(bytes, 'gb18030')
    } catch (err) {
      throw new AppError('IMPORT_BAD_FILE', 'the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV', 400, {
        cause: err,
      })
    }
  }
}

function decode(bytes: Uint8Array, encoding: TextEncoding): { text: string; encoding: TextEncoding } {
  return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding }
}
