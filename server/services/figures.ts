/**
 * A whole figure as every page shows it, in either language: thousands separated by commas (3,000 行, 3,000 rows), as
 * the views' `number` helper writes it. Sentences stored with a ticket (its problem, in Chinese and English) use it
 * too, so the figure in the sentence reads as the one beside it.
 */
export function formatCount(value: number): string {
  return Number(value).toLocaleString('en-US');
}
