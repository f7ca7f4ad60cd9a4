import { ANONYMOUS, boundedLabel, OTHER } from './metrics.js';

test('operation names pass as labels up to the limit; later ones, unnamed ones and odd ones collapse', () => {
  const label = boundedLabel(3);
  expect(['A', 'B', 'A', 'C', 'D', 'B'].map(label)).toEqual(['A', 'B', 'A', 'C', OTHER, 'B']);
  expect([label(undefined), label(null), label('')]).toEqual([ANONYMOUS, ANONYMOUS, ANONYMOUS]);
  expect(boundedLabel()('not a name"} 1\nevil')).toBe(OTHER);
  expect(boundedLabel()('x'.repeat(65))).toBe(OTHER);
});
