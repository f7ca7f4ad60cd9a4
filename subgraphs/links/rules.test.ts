import { bucketStarts, customCode, expiry, generatedCode, targetUrl } from './rules.js';

const BASE = 'https://sho.rt';
const code = (run: () => unknown): unknown => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

test.each([
  ['javascript:alert(1)'],
  [' JaVaScRiPt:alert(1)'],
  ['java\tscript:alert(1)'],
  ['jav&#x09;ascript:alert(1)'],
  ['data:text/html;base64,PHNjcmlwdD4='],
  ['file:///etc/passwd'],
  ['vbscript:msgbox(1)'],
  ['relative/path'],
  ['//example.com'],
  ['https://'],
  ['https://a:b@example.com'],
  ['https://sho.rt/s/abcd'],
  [`https://example.com/${'x'.repeat(2_048)}`],
])('refuses %j', (url) => expect(code(() => targetUrl(url, BASE))).toBe('BAD_USER_INPUT'));

test('keeps http(s) URLs as the WHATWG parser serialises them', () => {
  expect(targetUrl(' HTTP://EXAMPLE.com ', BASE)).toBe('http://example.com/');
  expect(targetUrl('https://sho.rt/about', BASE)).toBe('https://sho.rt/about');
});

test('custom codes: shape and reserved words, in any case', () => {
  expect(customCode('My-Code_1')).toBe('My-Code_1');
  for (const bad of ['abc', 'x'.repeat(33), 'a b c d', 'GRAPHQL', 'Metrics', 'well-known']) expect(code(() => customCode(bad))).toBe('BAD_USER_INPUT');
});

test('generated codes are 7 base62 characters and differ', () => {
  const codes = new Set(Array.from({ length: 1_000 }, generatedCode));
  expect(codes.size).toBe(1_000);
  for (const generated of codes) expect(generated).toMatch(/^[0-9A-Za-z]{7}$/);
});

test('expiry must be in the future', () => {
  expect(code(() => expiry(new Date(Date.now() - 1)))).toBe('BAD_USER_INPUT');
  expect(expiry(null)).toBeNull();
});

test('buckets are UTC-aligned, from the one holding `from` to the one holding `to`, and bounded', () => {
  const starts = bucketStarts('DAY', new Date('2026-03-01T13:00:00Z'), new Date('2026-03-03T01:00:00Z'));
  expect(starts.map((start) => start.toISOString())).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z']);
  expect(bucketStarts('HOUR', null, new Date('2026-03-03T01:30:00Z'))).toHaveLength(24);
  expect(code(() => bucketStarts('HOUR', new Date('2026-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z')))).toBe('BAD_USER_INPUT');
  expect(code(() => bucketStarts('HOUR', new Date('2026-03-02T00:00:00Z'), new Date('2026-03-01T00:00:00Z')))).toBe('BAD_USER_INPUT');
});
