/** The one table `npm run bench` prints, and the JSON it writes beside it. */

export type Status = 'met' | 'MISSED' | 'info' | 'not available yet' | 'failed'

export interface Row {
  readonly section: string
  readonly case: string
  /** Our figure, human-readable. */
  readonly result: string
  /** What it is compared with, measured in the same run. */
  readonly reference?: string
  readonly ratio?: string
  readonly target?: string
  readonly status: Status
}

export interface SectionReport {
  readonly section: string
  readonly rows: Row[]
  /** The same figures as numbers, for the JSON file. */
  readonly data: Record<string, unknown>
  readonly notes: string[]
}

export function newSection(section: string): SectionReport {
  return { section, rows: [], data: {}, notes: [] }
}

/** A target check: `met` when `ok`, else MISSED. */
export function check(ok: boolean): Status {
  return ok ? 'met' : 'MISSED'
}

const COLUMNS = ['section', 'case', 'result', 'reference', 'ratio', 'target', 'status'] as const

/** Plain-text table, columns padded to their widest cell (CJK-free content, so length = width). */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map(r => COLUMNS.map(c => String(r[c] ?? '')))
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map(row => row[i]!.length)))
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()
  const rule = widths.map(w => '-'.repeat(w)).join('  ')
  const out = [line(COLUMNS), rule]
  let last = ''
  for (const [i, row] of cells.entries()) {
    if (rows[i]!.section !== last && last !== '') out.push('')
    last = rows[i]!.section
    out.push(line(row))
  }
  return out.join('\n')
}

/** The same table as Markdown, for the README. */
export function renderMarkdown(rows: readonly Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const out = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`]
  for (const r of rows) out.push(`| ${COLUMNS.map(c => esc(String(r[c] ?? ''))).join(' | ')} |`)
  return out.join('\n')
}
