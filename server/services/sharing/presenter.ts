import type { AppContext } from '../../context';
import { can, type CurrentUser } from '../../policies';
import { maskFreeText, maskIdCard, maskPhone, scrubText } from '../privacy';
import {
  canView,
  decidedFirstReview,
  decidedRefusal,
  holdsStage,
  isApprover,
  isOverdue,
  seesPersonalData,
  lacksOtherReviewer,
  onBehalfReason,
  type StageRow,
} from './access';
import { grantState, mayMarkDelivered } from './grants';
import { catalogField, catalogTable } from '../catalog/names';
import { isSensitiveField, type LeaderBasis, type SourcePart } from './plan';
import { structureChangePending } from './structure-changes';
import { tableQualityFor } from './quality';
import { inputOf, type LoadedRequest } from './repository';
import { neverSubmitted, type SharingInput } from './types';
import { clock, mayCopy, pendingStages } from './workflow';

/**
 * Phone numbers inside free text (the applicant's "other contact"): a run of 7 or more digits, with the
 * spaces and hyphens people type inside numbers and an optional leading `+` — mobiles and landlines alike.
 */
const PHONE_IN_TEXT = /\+?\d(?:[\s-]{0,3}\d)*(?:[Xx](?![A-Za-z]))?/g;
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_IN_TEXT, (run) => {
    const digits = run.replace(/\D/g, '').length;
    // 15 digits or more is no phone: an ID number typed in groups (1101 0519 9001 0100 11) or split (110105
    // 199001010011), which as a phone kept 10 of its 18 digits, the serial and check digit among them.
    if (digits >= 15) return maskIdCard(run.replace(/[\s-]/g, ''));
    const x = /[Xx]$/.test(run) ? run.slice(-1) : '';
    const number = run.slice(0, run.length - x.length);
    return (digits >= 7 ? maskPhone(number) : number) + x;
  });
}

/**
 * A contact line someone typed (a name, phones, at times an e-mail or an ID number), for readers who do not need it:
 * ID numbers and e-mail addresses masked as in any text first (`scrubText`: an ID number taken for a phone kept 10
 * of its 18 digits, its birth date and serial among them), then every run of 7 or more digits as a phone.
 */
export function maskContactText(text: string): string {
  return maskPhonesIn(scrubText(text));
}

/**
 * Personal data on a request (个人信息脱敏): vendors' ID numbers and every phone number — members',
 * vendors', the applicant's office phone and any number in the applicant's other contact or the purpose
 * — are shown in full to those who work on the request only (seesPersonalData: the IT office and its reached stages'
 * reviewers, who check these people and call them); anyone else who may see the request (its applicant, an
 * administrator) sees them masked, on the page, the print form and the API.
 */
export function maskedForm(input: SharingInput, full: boolean): SharingInput {
  if (full) return input;
  return {
    ...input,
    purpose: typeof input.purpose === 'string' ? maskFreeText(input.purpose) : input.purpose,
    applicant: {
      ...input.applicant,
      officePhone: maskPhone(input.applicant.officePhone),
      contact: maskContactText(input.applicant.contact),
    },
    members: input.members.map((m) => ({ ...m, phone: maskPhone(m.phone) })),
    vendors: input.vendors.map((v) => ({ ...v, idCard: maskIdCard(v.idCard), phone: maskPhone(v.phone) })),
  };
}

/** What approvers and applicants typed, as every reader sees it: phone and ID numbers in it masked (the print form too). */
function typed(text: unknown): string | null {
  return typeof text === 'string' ? maskFreeText(text) : null;
}

/**
 * Why the IT office decides (or decided) a stage in a department's place, as a message key: nobody else in the
 * department could ('…NoOtherReviewer', by kind), or the source department was overdue. A decision stored before the
 * reason was kept has the one reason its kind could then have (a unit stage: no other reviewer; a source: overdue).
 */
function onBehalfNote(stage: StageRow, today: string): string {
  const reason =
    (stage.on_behalf_reason as string | null | undefined) ??
    (stage.status === 'pending'
      ? onBehalfReason(stage, today)
      : stage.kind === 'applicant_unit'
        ? 'no_other_reviewer'
        : 'overdue');
  if (reason !== 'no_other_reviewer') return 'sharing.detail.onBehalf';
  return stage.kind === 'applicant_unit' ? 'sharing.detail.onBehalfUnit' : 'sharing.detail.onBehalfSource';
}

/**
 * A request as pages, the print form and the API show it, for one viewer: ID numbers and phone numbers
 * are unmasked for those who work on it only (seesPersonalData, maskedForm); the actions offered are those the viewer
 * may take now.
 */
export async function presentRequest(ctx: AppContext, user: CurrentUser, loaded: LoadedRequest) {
  const { today, catalog } = await clock(ctx);
  const { request, stages } = loaded;
  // A draft has no approvers yet: the IT office's standing as approver starts when it is submitted.
  const approver = !neverSubmitted(request) && isApprover(user, request.applicant_id, stages, today);
  // Personal data in full for those who work on it: not an administrator as such (seesPersonalData).
  const full = approver && seesPersonalData(user, request.applicant_id, stages, today);
  const input = inputOf(loaded);
  // Each requested table as the catalog spells it (a draft keeps `STAFF_BASIC` as typed; it is `staff_basic`).
  const items = loaded.items.map((i) => ({ ...i, catalogTable: catalogTable(catalog, i.table_name) }));
  const tableName = (i: (typeof items)[number]) => i.catalogTable?.name ?? i.table_name;
  const tables = items.map(tableName);
  const [quality, flags, departments] = await Promise.all([
    tableQualityFor(ctx, tables),
    structureChangePending(ctx.db, tables),
    ctx.db('departments').select('code', 'name'),
  ]);
  const deptName = new Map<string, string>(departments.map((d: { code: string; name: string }) => [d.code, d.name]));
  // The stages a request has, numbered 1, 2, 3… as shown (a universal table's request has no source stage, most
  // have no leader stage); `stage` keeps the workflow's own number (1–5), as the API and the database hold it.
  const shownNumbers = [...new Set(stages.map((s) => s.stage))].sort((a, b) => a - b);
  const decidable = stages.filter((s) => {
    if (s.status !== 'pending' || user.id === request.applicant_id || decidedFirstReview(user, s, stages)) return false;
    const held = holdsStage(user, s, today);
    return held.own || held.onBehalf;
  });
  return {
    id: request.id,
    status: request.status as string,
    applicant: loaded.applicant ? { id: loaded.applicant.id, login: loaded.applicant.login, name: loaded.applicant.name } : null,
    department: {
      code: request.department_code as string,
      name: deptName.get(request.department_code) ?? request.department_code,
    },
    form: maskedForm(input, full),
    idCardsUnmasked: full,
    phonesUnmasked: full,
    items: items.map((i) => {
      const t = i.catalogTable;
      const table = tableName(i);
      return {
        table,
        title: t?.title ?? null,
        sharing: t?.sharing ?? null,
        fields: i.fields.map((f) => {
          const field = catalogField(t, f);
          return {
            name: field?.name ?? f,
            title: field?.title ?? null,
            // As the leader rule counts it: a table declaring no fields makes each one sensitive.
            sensitive: isSensitiveField(t, f),
            department: field?.department ?? t?.department ?? null,
          };
        }),
        // Free text, like the purpose: a number typed here is in full for the approvers only.
        range: full ? i.range : typed(i.range),
        note: full ? i.note : typed(i.note),
        quality: quality[table],
        structureChangePending: flags[table] ?? null,
      };
    }),
    returned: loaded.returned.map((r) => ({ id: r.id, description: r.description, delivered_at: r.delivered_at })),
    stages: stages.map((s) => ({
      id: s.id,
      stage: s.stage,
      /** Its number on the page: consecutive over the stages this request has (parallel ones share it). */
      step: shownNumbers.indexOf(s.stage) + 1,
      kind: s.kind,
      department: s.department_code,
      department_name: s.department_code ? (deptName.get(s.department_code) ?? s.department_code) : null,
      status: s.status,
      part: s.part,
      // The same for the pages: each table and field by the catalog's title, its name beside it.
      part_shown: ((s.part ?? []) as SourcePart['part']).map((p) => {
        const table = catalogTable(catalog, p.table);
        return {
          table: table?.name ?? p.table,
          title: table?.title ?? null,
          fields: p.fields.map((f) => ({ name: f, title: catalogField(table, f)?.title ?? null })),
        };
      }),
      due_on: s.due_on,
      overdue: isOverdue(s, today),
      overdue_flagged_at: s.overdue_flagged_at ?? null,
      /** A pending department's review (unit or source) only the IT office can give: nobody else in the department may. */
      no_other_reviewer: lacksOtherReviewer(s),
      /** The university leader's pending approval that no account may give (repository NO_LEADER_SQL). */
      no_leader: s.kind === 'leader' && s.status === 'pending' && s.no_leader === true,
      /** The IT office's pending final review that no account may give: all decided the first (NO_FINAL_REVIEWER_SQL). */
      no_final_reviewer: s.kind === 'it_final' && s.status === 'pending' && s.no_final_reviewer === true,
      decided_by: (s.decided_by as number | null) ?? null,
      decided_by_name: (s.decided_by_name as string | null) ?? null,
      decided_at: (s.decided_at as Date | null) ?? null,
      on_behalf: !!s.on_behalf,
      on_behalf_reason: (s.on_behalf_reason as string | null | undefined) ?? null,
      on_behalf_note: s.on_behalf ? onBehalfNote(s, today) : null,
      reason: (s.reason as string | null) ?? null,
      opinion: typed(s.opinion),
    })),
    pending_stages: pendingStages(stages),
    rejection: request.rejection_reason
      ? { reason: request.rejection_reason as string, text: typed(request.rejection_text) }
      : null,
    arbitration: request.arbitration
      ? {
          status: request.arbitration as string,
          /** The applicant's objection. */
          note: typed(request.arbitration_note),
          /** The IT office's conclusion and its reason, who decided and when (null while requested). */
          conclusion: typed(request.arbitration_conclusion),
          decided_by: request.arbitrated_by == null ? null : Number(request.arbitrated_by),
          decided_by_name: (request.arbitrated_by_name as string | null) ?? null,
          decided_at: (request.arbitrated_at as Date | null) ?? null,
          /** Requested, and no IT office account may conclude it: the only ones made the refusal (NO_ARBITER_SQL). */
          no_arbiter:
            request.arbitration === 'requested' &&
            stages.some((s) => s.kind === 'source' && s.status === 'rejected' && s.no_arbiter === true),
        }
      : null,
    leader_basis: leaderBasisFor(user, request.leader_basis as LeaderBasis | null | undefined),
    material_upload_id: request.material_upload_id ? Number(request.material_upload_id) : null,
    pledge_upload_id: request.pledge_upload_id ? Number(request.pledge_upload_id) : null,
    pledge_accepted_at: request.pledge_accepted_at ?? null,
    submitted_at: request.submitted_at ?? null,
    created_at: request.created_at,
    grant: loaded.grant
      ? {
          // A snapshot of the items at the grant: its ranges are free text, masked as the items' own are.
          items: (loaded.grant.items as Array<{ table: string; fields: string[]; range: string }>).map((i) => ({
            ...i,
            range: full ? i.range : typed(i.range),
          })),
          method: loaded.grant.method,
          method_other: loaded.grant.method_other,
          whitelist: loaded.grant.whitelist,
          expires_on: loaded.grant.expires_on,
          granted_at: loaded.grant.granted_at,
          revoked_at: loaded.grant.revoked_at,
          revoke_reason: typed(loaded.grant.revoke_reason),
          /** active, expired (its last day is over) or revoked: the request itself stays `granted`. */
          state: grantState({ expires_on: loaded.grant.expires_on, revoked_at: loaded.grant.revoked_at }, today),
        }
      : null,
    can: {
      decide: decidable.map((s) => ({
        id: s.id,
        kind: s.kind,
        department: s.department_code,
        department_name: s.department_code ? (deptName.get(s.department_code) ?? s.department_code) : null,
        onBehalf: !holdsStage(user, s, today).own,
        onBehalfNote: onBehalfNote(s, today),
      })),
      /** The final review waits for another IT-office person: this viewer decided the first review. */
      finalByOther: stages.some((s) => s.status === 'pending' && decidedFirstReview(user, s, stages)),
      edit: request.status === 'draft' && user.id === request.applicant_id,
      withdraw: ['draft', 'submitted', 'in_review'].includes(request.status) && user.id === request.applicant_id,
      /** Start a new draft from this request (its applicant, once it has ended or been granted). */
      copy: user.id === request.applicant_id && mayCopy({ status: request.status, arbitration: request.arbitration }),
      requestArbitration:
        user.id === request.applicant_id &&
        request.status === 'rejected' &&
        stages.some((s) => s.kind === 'source' && s.status === 'rejected') &&
        !['requested', 'upheld'].includes(request.arbitration ?? ''),
      // Not by whoever made the refusal in dispute (an IT office member who refused in an overdue department's
      // place): nobody concludes an objection to their own decision, as nobody decides the final review after the first.
      arbitrate:
        approver &&
        request.arbitration === 'requested' &&
        request.status === 'rejected' &&
        holdsStage(user, { ...stages[0], kind: 'it_first' }, today).own &&
        !decidedRefusal(user, stages),
      // An expired grant gives nothing left to take back.
      revoke:
        !!loaded.grant &&
        grantState({ expires_on: loaded.grant.expires_on, revoked_at: loaded.grant.revoked_at }, today) === 'active' &&
        can(user, 'sharing.manage'),
      markDelivered: request.status === 'granted' && mayMarkDelivered(user, request.applicant_id),
    },
  };
}

export type PresentedRequest = Awaited<ReturnType<typeof presentRequest>>;

/** Whether `user` may see a loaded request (canView): the routes answer anyone else as for a missing request (404). */
export function mayView(user: CurrentUser, loaded: LoadedRequest, today: string): boolean {
  return canView(user, { ...loaded.request, applicant_id: Number(loaded.request.applicant_id) }, loaded.stages, today);
}

/**
 * Every key of a plain object, nested, in snake_case (`staffNo` → `staff_no`): the presenter's form and an item's
 * quality speak the pages' camelCase, the API's contract snake_case — its input takes both, its output said both
 * (`applicant_contact.staffNo` beside `pending_stages`). Dates and other non-plain values are left as they are; no key
 * here is data (tables and fields are values, never keys).
 */
export function snakeCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCased);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCased(v)]),
  );
}

/** The API's view: the contract's names (snake_case throughout), without UI-only things. */
export function apiView(p: PresentedRequest) {
  return snakeCased(apiFields(p)) as Record<string, unknown>;
}

function apiFields(p: PresentedRequest) {
  const { can: _can, form, ...rest } = p;
  return {
    ...rest,
    // The contract's stages: `stage` is the workflow's number (1–5); the page's consecutive number stays on the page.
    // The page's note is a message key for the page; the API has `on_behalf` and `on_behalf_reason`.
    stages: rest.stages.map(({ step: _step, on_behalf_note: _note, part_shown: _shown, ...stage }) => stage),
    purpose: form.purpose,
    method: form.method,
    method_other: form.methodOther || null,
    whitelist: form.whitelist,
    applicant_contact: form.applicant,
    system: form.system,
    members: form.members,
    vendors: form.vendors,
    datasets: form.datasets,
    dataset_other: form.datasetOther || null,
    returned_items: p.returned,
    pledge_accepted: form.pledgeAccepted,
  };
}

/**
 * The leader rule's basis as `user` reads it. When the hub could not count the rows, its driver's message (which can
 * name hosts, accounts, the hub's tables) is the IT office's to read, as on the run pages; anyone else reads only that
 * the hub could not count them (`hubUnavailable`).
 */
function leaderBasisFor(user: CurrentUser, basis: LeaderBasis | null | undefined) {
  if (!basis) return null;
  const hubUnavailable = basis.hubError != null;
  return { ...basis, hubUnavailable, hubError: hubUnavailable && can(user, 'sharing.decide_office') ? basis.hubError : null };
}
