/**
 * `value` for a SQL LIKE/ILIKE pattern (and Prisma's `contains`, `startsWith`, `endsWith`,
 * which build one without escaping) with `%`, `_` and the escape character itself matched
 * literally. PostgreSQL's default escape character is the backslash.
 */
export const escapeLikeWildcards = (value: string): string => value.replace(/[\\%_]/g, (character) => `\\${character}`);
