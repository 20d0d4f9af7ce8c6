// Sizes and offsets as util-linux reads them (lib/strutils.c ul_parse_size): strtoumax with base 0
// (0x… hex, 0… octal), an optional K/M/G/T/P/E/Z/Y suffix (either case; "iB" = powers of 1024, "B" =
// powers of 1000), and a decimal fraction before the suffix ("1.5M"). Anything else is refused.

const SUFFIXES = 'KMGTPEZY';
const U64_MAX = (1n << 64n) - 1n;

/** strtoumax(s, &end, 0): the number and where it ended (end 0 = nothing parsed). */
function strtoumax(s: string, from: number): { value: bigint; end: number; overflow: boolean } {
  let i = from;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  if (s[i] === '+') i++;
  let radix = 10n;
  let digits = '0123456789';
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    radix = 16n;
    digits = '0123456789abcdef';
    i += 2;
  } else if (s[i] === '0') {
    radix = 8n;
    digits = '01234567';
  }
  const start = i;
  let value = 0n;
  let overflow = false;
  while (i < s.length && digits.includes(s[i].toLowerCase())) {
    value = value * radix + BigInt(digits.indexOf(s[i].toLowerCase()));
    if (value > U64_MAX) overflow = true;
    i++;
  }
  return { value: overflow ? U64_MAX : value, end: i === start ? from : i, overflow };
}

/**
 * A size in bytes, or undefined when util-linux would refuse it ("1 M", "-1", "1x", a bare
 * fraction) or when it is beyond 2^53 (refused rather than rounded).
 */
export function parseSize(str: string): number | undefined {
  if (!str || str.trimStart().startsWith('-')) return undefined;
  const n = strtoumax(str, 0);
  if (n.end === 0 || n.overflow) return undefined;
  let x = n.value;
  let p = n.end;
  let base = 1024n;
  let frac = 0n;
  let fracZeros = 0;
  if (p < str.length) {
    for (;;) {
      const rest = str.slice(p + 1);
      if (rest[0] === 'i' && (rest[1] === 'B' || rest[1] === 'b') && rest.length === 2) base = 1024n;
      else if ((rest[0] === 'B' || rest[0] === 'b') && rest.length === 1) base = 1000n;
      else if (rest.length) {
        // A fraction ("1.5M"), once, in the C locale's decimal point.
        if (frac !== 0n || str[p] !== '.') return undefined;
        let f = p + 1;
        while (str[f] === '0') {
          fracZeros++;
          f++;
        }
        let end = f;
        if (/[0-9]/.test(str[f] ?? '')) {
          const fr = strtoumax(str, f);
          if (fr.end === f || fr.overflow) return undefined;
          frac = fr.value;
          end = fr.end;
        }
        if (end >= str.length) return undefined; // a fraction without a suffix
        p = end;
        continue;
      }
      break;
    }
    let pwr = SUFFIXES.indexOf(str[p]) + 1;
    if (pwr === 0) pwr = SUFFIXES.toLowerCase().indexOf(str[p]) + 1;
    if (pwr === 0) return undefined;
    const mult = base ** BigInt(pwr);
    x *= mult;
    if (x > U64_MAX) return undefined;
    if (frac) {
      // util-linux adds each fraction digit's share of the unit, last digit first, in integers.
      let fracDiv = 10n;
      let fracPoz = 1n;
      while (fracDiv < frac) fracDiv *= 10n;
      for (let i = 0; i < fracZeros; i++) fracDiv *= 10n;
      do {
        const seg = frac % 10n;
        const segDiv = fracDiv / fracPoz;
        frac /= 10n;
        fracPoz *= 10n;
        if (seg && segDiv / seg) x += mult / (segDiv / seg);
      } while (frac);
    }
  }
  return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : undefined;
}
