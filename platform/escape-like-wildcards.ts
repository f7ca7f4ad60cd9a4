/**
 * `value` with SQL LIKE's wildcards (`%`, `_`) and its escape character (`\`, PostgreSQL's
 * default) escaped, so that it matches only itself inside a LIKE/ILIKE pattern. Prisma's
 * `contains`, `startsWith` and `endsWith` put the value into such a pattern unescaped:
 * without this, searching for "%" matches everything and a trailing "\" is an SQL error.
 */
export const escapeLikeWildcards = (value: string): string => value.replace(/[\\%_]/g, (character) => `\\${character}`);
