import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { AUDIT_OBJECT_ID_MAX } from '../../server/services/audit/objects';
import { TRIAGE_REASON_MAX } from '../../server/services/reports/submit';
import { MAX_DESCRIPTION, MAX_KEY_VALUE, MAX_SUGGESTED_VALUE } from '../../server/services/reports/types';
import { WITHDRAW_REASON_MAX } from '../../server/services/reports/withdraw';
import { PERIOD_LABEL_MAX } from '../../server/services/scorecards/periods';
import { MAX_WEIGHTS_NOTE } from '../../server/services/scorecards/weights';
import { BOX_MAX } from '../../server/services/sharing/form-fields';
import { ID_CARD_LENGTH } from '../../server/services/sharing/identity';
import { MAX_ACTION_TEXT } from '../../server/services/sharing/sent-text';
import { STRUCTURE_TEXT_MAX } from '../../server/services/sharing/structure-changes';
import { MAX_COMMENT } from '../../server/services/tickets';
import { API_TOKEN_LABEL_MAX, LOGIN_MAX, USER_FILTER_MAX, USER_LIMITS } from '../../server/services/users';
import { MAX_PASSWORD_LENGTH } from '../../server/services/users/passwords';
import { installViewEngine, VIEWS_DIR } from '../../server/views/engine';
import { VIEW_LIMITS, viewLimit } from '../../server/views/limits';

/**
 * The text boxes' maxlength (`{{limit "name"}}`, server/views/limits.ts): each the constant its service checks with, so
 * the browser stops where the server refuses; a name typed wrong fails the page instead of rendering a box with no limit.
 */
describe('the text boxes’ limits (the limit helper)', () => {
  it('are the services’ own constants, name by name', () => {
    // Written out here from the services' exports, not from the registry: a number re-typed in limits.ts (or a
    // service's limit changed without its box) fails.
    expect(VIEW_LIMITS).toEqual({
      'account.login': LOGIN_MAX,
      'account.name': USER_LIMITS.name,
      'account.email': USER_LIMITS.email,
      'account.password': MAX_PASSWORD_LENGTH,
      'account.tokenLabel': API_TOKEN_LABEL_MAX,
      'admin.userFilter': USER_FILTER_MAX,
      'audit.objectId': AUDIT_OBJECT_ID_MAX,
      'report.key': MAX_KEY_VALUE,
      'report.observed': MAX_SUGGESTED_VALUE,
      'report.description': MAX_DESCRIPTION,
      'report.suggested': MAX_SUGGESTED_VALUE,
      'report.rejectReason': TRIAGE_REASON_MAX,
      'report.withdrawReason': WITHDRAW_REASON_MAX,
      'ticket.comment': MAX_COMMENT,
      'sharing.box': BOX_MAX,
      'sharing.idCard': ID_CARD_LENGTH,
      'sharing.actionText': MAX_ACTION_TEXT,
      'sharing.structure': STRUCTURE_TEXT_MAX,
      'scorecards.periodLabel': PERIOD_LABEL_MAX,
      'scorecards.weightsNote': MAX_WEIGHTS_NOTE,
    });
    // Nor any number written in the registry itself, equal today or not.
    const source = fs.readFileSync(path.join(__dirname, '../../server/views/limits.ts'), 'utf8');
    const table = source.slice(source.indexOf('export const VIEW_LIMITS'), source.indexOf('} as const'));
    expect(table.replace(/\/\/.*$/gm, '').match(/:\s*\d/g)).toBeNull();
    // The tables by field are the services' own objects, not copies that could drift.
    expect(VIEW_LIMITS['sharing.box']).toBe(BOX_MAX);
    expect(VIEW_LIMITS['sharing.structure']).toBe(STRUCTURE_TEXT_MAX);
    expect(viewLimit('sharing.box', 'members.phone')).toBe(BOX_MAX['members.phone']);
    expect(viewLimit('sharing.structure', 'contact')).toBe(STRUCTURE_TEXT_MAX.contact);
  });

  describe('rendered by the view engine', () => {
    let dir: string;
    let app: express.Express;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-view-limits-'));
      app = express();
      installViewEngine(app, 'Asia/Shanghai', false);
      app.set('views', dir);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A template of one line rendered through the app's engine and helpers (no layout): its HTML, or the error. */
    const render = (source: string) => {
      const name = `t${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(path.join(dir, `${name}.hbs`), source);
      return new Promise<string>((resolve, reject) =>
        app.render(name, { layout: false }, (err, html) => (err ? reject(err) : resolve(html!))),
      );
    };

    it('writes the limit as the box’s maxlength, a table’s by its field', async () => {
      await expect(render('<textarea maxlength="{{limit "ticket.comment"}}"></textarea>')).resolves.toBe(
        `<textarea maxlength="${MAX_COMMENT}"></textarea>`,
      );
      await expect(render('<input maxlength="{{limit "sharing.box" "members.phone"}}">')).resolves.toBe(
        `<input maxlength="${BOX_MAX['members.phone']}">`,
      );
    });

    it('fails the page on a name or field it does not have, or a field missing or extra', async () => {
      await expect(render('<input maxlength="{{limit "ticket.coment"}}">')).rejects.toThrow(/"ticket\.coment"/);
      await expect(render('<input maxlength="{{limit}}">')).rejects.toThrow(/takes a name/);
      await expect(render('<input maxlength="{{limit "sharing.box" "members.fax"}}">')).rejects.toThrow(/"members\.fax"/);
      await expect(render('<input maxlength="{{limit "sharing.box"}}">')).rejects.toThrow(/a field is needed/);
      await expect(render('<input maxlength="{{limit "sharing.box" nothing}}">')).rejects.toThrow(/not a name/);
      await expect(render('<input maxlength="{{limit "ticket.comment" "x"}}">')).rejects.toThrow(/one number/);
      // A name an object has without holding it (the prototype's).
      await expect(render('<input maxlength="{{limit "toString"}}">')).rejects.toThrow(/"toString"/);
    });
  });

  it('gives every maxlength in views/: none is typed in a page or passed by a route under a name of its own', () => {
    const templates = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
          e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : [],
        );
    const written = templates(VIEWS_DIR).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/\b(?:maxlength|data-key-max)="(\{\{[^}]*\}\}|[^"]*)"/g)].map((m) => ({
        file: path.relative(VIEWS_DIR, file),
        value: m[1],
      })),
    );
    expect(written.length).toBeGreaterThan(50);
    for (const { file, value } of written) {
      const call = /^\{\{limit "([^"]+)"(?: "([^"]+)")?\}\}$/.exec(value);
      expect({ file, value, helper: !!call }).toEqual({ file, value, helper: true });
      // Each name (and field) the helper has: the page would fail otherwise.
      expect(typeof viewLimit(call![1], call![2])).toBe('number');
    }
  });
});
