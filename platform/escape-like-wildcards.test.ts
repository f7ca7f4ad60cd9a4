import { escapeLikeWildcards } from './escape-like-wildcards.js';

test('escapes the LIKE wildcards and the escape character, and nothing else', () => {
  expect(escapeLikeWildcards('100%_done')).toBe('100\\%\\_done');
  expect(escapeLikeWildcards('back\\slash')).toBe('back\\\\slash');
  expect(escapeLikeWildcards('plain text, ünïcode *?[]')).toBe('plain text, ünïcode *?[]');
  expect(escapeLikeWildcards('')).toBe('');
});
