// The Last-Modified of a stored version, as an HTTP-date (RFC 9110 §5.6.7), from the instant the
// store wrote as `Date#toISOString()` text. Every read and write response carries one:
// `new Date(text).toUTCString()` took 520–540 ns of a read's ~65 µs of server CPU, V8's date
// formatting most of it, and this writes the same text in 220–240 ns (a loop of 2 million, the
// result flattened). Any other text goes through Date, so the answer is always what Date gives.

const WEEKDAYS_FROM_THURSDAY = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** The digits of `text` from `start`, `count` of them, as a number; NaN if one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Is `text` shaped as toISOString writes an instant for years 0000–9999, `YYYY-MM-DDTHH:mm:ss.sssZ`, with a real time of day? */
function isIsoShaped(text: string): boolean {
  const isShaped =
    text.length === 24 && text[4] === '-' && text[7] === '-' && text[10] === 'T' && text[13] === ':' && text[16] === ':' && text[19] === '.' && text[23] === 'Z';
  // NaN (a character that is not a digit) fails every comparison.
  return isShaped && digits(text, 11, 2) <= 23 && digits(text, 14, 2) <= 59 && digits(text, 17, 2) <= 59 && digits(text, 20, 3) >= 0;
}

/** `new Date(isoInstant).toUTCString()`, written directly for the store's own timestamps. */
export function httpDate(isoInstant: string): string {
  const year = digits(isoInstant, 0, 4);
  const month = digits(isoInstant, 5, 2);
  const day = digits(isoInstant, 8, 2);
  // Date.UTC counts years 0–99 as 1900–1999, so it is given 2000 more (400 years are exactly
  // 146,097 days, 20,871 weeks: the weekday is unchanged). It rolls a day past the month's end
  // (30 February) into the next month, which is how such a day is told apart; NaN fails it too.
  const dayStart = Date.UTC(year + 2000, month - 1, day);
  const isRealDay = month >= 1 && month <= 12 && day >= 1 && dayStart < Date.UTC(year + 2000, month, 1);
  if (!isRealDay || !isIsoShaped(isoInstant)) return new Date(isoInstant).toUTCString();
  // 1970-01-01 was a Thursday.
  const weekday = WEEKDAYS_FROM_THURSDAY[((Math.floor(dayStart / DAY_MS) % 7) + 7) % 7] as string;
  return `${weekday}, ${isoInstant.slice(8, 10)} ${MONTHS[month - 1]} ${isoInstant.slice(0, 4)} ${isoInstant.slice(11, 19)} GMT`;
}
