import { escapeLikeWildcards } from './escape-like-wildcards.js';

test('LIKE wildcards and the escape character are escaped; everything else is kept', () => {
  expect(escapeLikeWildcards('100%')).toBe('100\\%');
  expect(escapeLikeWildcards('a_b')).toBe('a\\_b');
  expect(escapeLikeWildcards('back\\slash')).toBe('back\\\\slash');
  expect(escapeLikeWildcards('%_\\')).toBe('\\%\\_\\\\');
  expect(escapeLikeWildcards('plain text, ünïcødé 😀')).toBe('plain text, ünïcødé 😀');
});
