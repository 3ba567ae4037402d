// The human-readable table printed at the end of `npm run bench` (and pasted into
// docs/performance.md): one line per target, then the details behind them.

export type TargetLine = { area: string; figure: string; value: string; baseline: string; ratio: string; target: string; verdict: string };

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function targetTable(lines: TargetLine[]): string {
  return table(
    ['area', 'figure', 'ours', 'baseline', 'ratio', 'target', 'verdict'],
    lines.map((l) => [l.area, l.figure, l.value, l.baseline, l.ratio, l.target, l.verdict]),
  );
}

export function detailTable(headers: string[], rows: string[][]): string {
  return table(headers, rows);
}

export const fmt = {
  rps: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${Math.round(n).toLocaleString('en-US')}/s`),
  ms: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${n.toFixed(n < 10 ? 2 : 1)} ms`),
  x: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${n.toFixed(2)}×`),
  kb: (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`,
  mb: (n: number) => `${n.toFixed(0)} MB`,
  verdict: (isMet: boolean | undefined) => (isMet === undefined ? 'not measured' : isMet ? 'met' : 'MISSED'),
};
