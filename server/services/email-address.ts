/**
 * What the product takes for an e-mail address (accounts, department stewards on the department page and
 * in the catalog): the HTML standard's "valid e-mail address", the one browsers check `<input type=email>`
 * against, plus a dot in the domain (a university's mail is never `user@localhost`). No quotes, commas,
 * angle brackets or spaces: those are how one header field comes to name several mailboxes, and no
 * steward's address needs them.
 */
const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmailAddress(text: string): boolean {
  return EMAIL_ADDRESS.test(text);
}
