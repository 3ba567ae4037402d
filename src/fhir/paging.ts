// Offset paging for servers whose Bundles carry no `link` (Haste Health, SPEC §6). Pure, so the
// arithmetic is unit-tested without a server. It caps nothing: a server that serves fewer than
// `_count` (Haste Health caps at 50) is handled by advancing by what was actually returned.

export interface PageWindow {
  /** `_offset` of the page that was fetched (0 when absent). */
  offset: number;
  /** `_count` that was asked for, if any. */
  count: number | undefined;
  /** Number of matched resources in the page. */
  returned: number;
  /** `Bundle.total`, if the server sent it. */
  total: number | undefined;
}

export interface PageOffsets {
  nextOffset?: number;
  previousOffset?: number;
}

export function computePageOffsets({ offset, count, returned, total }: PageWindow): PageOffsets {
  const out: PageOffsets = {};
  const end = offset + returned;
  if (total !== undefined) {
    if (returned > 0 && end < total) out.nextOffset = end;
  } else if (count !== undefined && count > 0 && returned >= count) {
    // No total: a full page suggests there may be more (the last page may come back empty).
    out.nextOffset = end;
  }
  if (offset > 0) {
    const pageSize = count !== undefined && count > 0 ? count : returned;
    out.previousOffset = Math.max(0, offset - Math.max(pageSize, 1));
  }
  return out;
}

/** Reads `_offset` / `_count` from a search or history URL. Missing or malformed → default. */
export function readPageWindow(url: URL): { offset: number; count: number | undefined } {
  return {
    offset: nonNegativeInt(url.searchParams.get('_offset')) ?? 0,
    count: nonNegativeInt(url.searchParams.get('_count')),
  };
}

/** The same request as `url`, at another offset (and the same `_count`). */
export function withOffset(url: URL, offset: number): string {
  const next = new URL(url);
  if (offset > 0) next.searchParams.set('_offset', String(offset));
  else next.searchParams.delete('_offset');
  return next.toString();
}

function nonNegativeInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
