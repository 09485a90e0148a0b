import { setImmediate as nextTurn } from 'node:timers/promises'
import { CsvError, Parser, type Options } from 'csv-parse'
import { parse as parseStrictly } from 'csv-parse/sync'
import { AppError } from '../errors.js'

/**
 * How every CSV file is read here (catalogue and gazetteer alike), with csv-parse:
 * - a field that starts with `"` is quoted: it may hold commas, doubled quotes and line breaks;
 * - a stray `"` inside an unquoted field (`5" Tower`), or text after a closing quote on the same
 *   line (`"The" Hotel`), is kept as text rather than failing the file (Excel users write these);
 * - a quoted field that does not close where CSV says it must, and so runs over into the lines
 *   after it, refuses the whole file, naming the line its row starts on: read leniently it would
 *   swallow the next rows into one field and they would vanish without a word;
 * - rows may be shorter or longer than the header (spreadsheets trim trailing empty cells);
 * - LF, CRLF and CR line ends; a UTF-8 byte-order mark is skipped.
 * Each record comes with the line it starts on, counted by us: csv-parse counts a CRLF inside a
 * quoted field as two lines, so its own count drifts after a multi-line cell.
 */
const LENIENT: Options = { bom: true, relax_quotes: true, relax_column_count: true }

/** Input handed to the parser between two turns of the event loop (about a thousand rows). */
const SLICE_BYTES = 64 * 1024

/** One record: its cells, and the 1-based line of the file it starts on. */
export type CsvRecordHandler = (cells: string[], line: number) => void

const CR = 0x0d
const LF = 0x0a

/**
 * csv-parse's parser with its output taken at the source: each record goes straight to the
 * handler, instead of through the stream (whose per-record cost outweighed the parsing itself on
 * large files). The parser works synchronously inside write() and end(); failures are kept and
 * thrown by check().
 */
class RecordParser extends Parser {
  #failure: unknown
  /** Byte offset where the next record starts, csv-parse's line count at that point, and ours. */
  #start = 0
  #parserLines = 0
  #line = 1

  constructor(
    private readonly bytes: Buffer,
    private readonly onRecord: CsvRecordHandler,
  ) {
    super(LENIENT)
    // Failures are read from `errored` right after each write; the event itself comes later.
    this.on('error', () => undefined)
  }

  override push(chunk: unknown): boolean {
    if (chunk === null) return super.push(null)
    if (this.#failure !== undefined) return true
    const line = this.#line
    const start = this.#start
    const end = this.info.bytes
    const spanned = this.info.lines - this.#parserLines
    this.#start = end
    this.#parserLines = this.info.lines
    try {
      if (spanned <= 1) {
        this.#line++
      } else {
        // A quoted field with line breaks: count them ourselves, and check that the field
        // really is one and not a quote that ran away with the rows after it.
        const raw = this.bytes.subarray(start, end)
        const breaks = lineBreaks(raw)
        this.#line += breaks
        if (ranAway(raw)) throw runaway(line, `runs on to line ${line + breaks - (endsWithBreak(raw) ? 1 : 0)}`)
      }
      this.onRecord(chunk as string[], line)
    } catch (err) {
      // Kept for the reader to throw: an exception must not unwind through the parser.
      this.#failure = err
    }
    return true
  }

  /** Throws what went wrong so far: a refused record, or the CSV itself. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure
    if (this.errored) throw this.#readError(this.errored)
  }

  #readError(err: unknown): unknown {
    if (!(err instanceof CsvError)) return err
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') return runaway(this.#line, 'runs on to the end of the file', err)
    return new AppError('IMPORT_BAD_FILE', `CSV cannot be read (line ${this.#line}): ${err.message}`, 400, { cause: err })
  }
}

function runaway(line: number, how: string, cause?: unknown): AppError {
  return new AppError(
    'IMPORT_BAD_FILE',
    `CSV cannot be read (line ${line}): Quote Not Closed: the row that starts on line ${line} has a quoted field that ` +
      `${how} without a proper closing quote (check the quotes on line ${line})`,
    400,
    { cause },
  )
}

/**
 * True when a record that spans lines is not one record to a strict reader: a quote inside its
 * quoted field is followed by something other than a comma or a line end (where a lenient reader
 * ends the field and carries on), or the quote is never closed at all.
 */
function ranAway(raw: Buffer): boolean {
  const problems: string[] = []
  let records: unknown[]
  try {
    records = parseStrictly(raw, {
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: err => void problems.push(err?.code ?? 'error'),
    }) as unknown[]
  } catch {
    return true
  }
  // A stray quote inside an unquoted field is the lenient reading's business, not a runaway.
  const broken = problems.filter(code => code !== 'INVALID_OPENING_QUOTE')
  return broken.length > 0 || (problems.length === 0 && records.length !== 1)
}

/** Line breaks in raw CSV: LF, CRLF and a lone CR each count once. */
function lineBreaks(raw: Buffer): number {
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]
    if (b === LF || (b === CR && raw[i + 1] !== LF)) n++
  }
  return n
}

function endsWithBreak(raw: Buffer): boolean {
  const last = raw[raw.length - 1]
  return last === LF || last === CR
}

/** Reads UTF-8 CSV bytes, handing each record to `onRecord` as it is parsed (nothing is held). */
export function readCsvRecords(bytes: Buffer, onRecord: CsvRecordHandler): void {
  const parser = new RecordParser(bytes, onRecord)
  parser.write(bytes)
  parser.check()
  parser.end()
  parser.check()
}

/**
 * The same as readCsvRecords, but hands the parser the bytes in small slices and gives the event
 * loop a turn after each, so a server that refreshes its catalogue keeps answering meanwhile.
 */
export async function readCsvRecordsInTurns(bytes: Buffer, onRecord: CsvRecordHandler): Promise<void> {
  const parser = new RecordParser(bytes, onRecord)
  for (let i = 0; i < bytes.length; i += SLICE_BYTES) {
    parser.write(bytes.subarray(i, i + SLICE_BYTES))
    parser.check()
    await nextTurn()
  }
  parser.end()
  parser.check()
}
