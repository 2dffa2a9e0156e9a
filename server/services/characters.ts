/**
 * How many characters a text has as people count them, and as PostgreSQL's varchar(n) counts them: code points.
 * `.length` counts UTF-16 units, so an emoji or a rare Chinese character of Extension B (in some people's names)
 * counted twice and "最多 2000 个字符" refused 1,500 of them.
 */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
