import type { FieldError } from '../../errors';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';
import { textTooLong } from '../characters';

/** Text sent with an action (an opinion, a reason, an objection, a conclusion): as long as a ticket comment may be. */
export const MAX_ACTION_TEXT = 2000;

/**
 * A text sent with an action as the action takes it: nothing is '', anything but a string (the API's JSON)
 * and text over MAX_ACTION_TEXT is a problem named by `field`. Judged with the action's other input, once the
 * action is possible. So is a NUL or a direction override (U+202A–U+202E): the app-wide refusal leaves the web forms'
 * boxes to their routes (CHECKED_BY_ROUTE in middleware/body-safety.ts), which show the page again with the text as typed
 * and this message beside the box, the action's other mistakes with it, nothing written.
 */
export function sentText(value: unknown, field: string, errors: FieldError[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    errors.push({ field, key: 'sharing.errors.type.string', params: { field } });
    return '';
  }
  const characterProblem = forbiddenCharacterProblem(field, value);
  if (characterProblem) {
    errors.push(characterProblem);
    return '';
  }
  const problem = textTooLong(value, field, MAX_ACTION_TEXT);
  if (problem) errors.push(problem);
  return value;
}
