import type { Translator } from '../../i18n';
import type { PresentedRequest } from '../../services/sharing/presenter';
import { DATASETS, METHODS, REJECTION_REASONS, SYSTEM_STATUSES } from '../../services/sharing/types';

/** A request whose review is over: a stage it has not got now, it never will. */
const FINISHED = ['granted', 'rejected', 'withdrawn'];

/**
 * The approval form (审批表), the field requirement document and the pledge, laid out like seed 000:
 * every choice as a ticked or empty box, every stage's opinion in its box, blank signature lines.
 */
const pad = <T>(rows: T[], min: number, blank: T): T[] => [
  ...rows,
  ...Array.from({ length: Math.max(0, min - rows.length) }, () => blank),
];

export function printModel(request: PresentedRequest, t: Translator) {
  const f = request.form;
  const byKind = (kind: string) => request.stages.filter((s) => s.kind === kind);
  const first = byKind('it_first')[0] ?? null;
  const final = byKind('it_final')[0] ?? null;
  // The IT office's box holds the final review, or the first review when that ended the request.
  const office = final?.decided_at ? final : first?.status === 'rejected' ? first : null;
  const fieldDocRows = request.items.flatMap((item, i) =>
    item.fields.map((field, j) => ({
      seq: j === 0 ? i + 1 : '',
      table: j === 0 ? (item.title ?? item.table) : '',
      tableCode: j === 0 ? item.table : '',
      field: field.title ?? field.name,
      code: field.name,
      range: j === 0 ? item.range : '',
      note: j === 0 ? item.note : '',
    })),
  );
  return {
    request,
    f,
    systemStatuses: SYSTEM_STATUSES.map((v) => ({ value: v, checked: f.system.status === v })),
    methods: METHODS.map((v) => ({ value: v, checked: f.method === v })),
    datasets: DATASETS.map((v) => ({ value: v, checked: f.datasets.includes(v) })),
    members: pad(f.members, 2, { name: '', unit: '', staffNo: '', phone: '' }),
    vendors: pad(f.vendors, 2, { name: '', company: '', idCard: '', phone: '' }),
    fieldDocRows: pad(fieldDocRows, 4, { seq: '', table: '', tableCode: '', field: '', code: '', range: '', note: '' }),
    unit: byKind('applicant_unit')[0] ?? null,
    sources: byKind('source'),
    // The first review's line in the IT office's box, unless it is that box's own decision (a refusal that ended it).
    firstReview: first?.decided_at && first !== office ? first : null,
    office,
    officeReasons: REJECTION_REASONS.map((r) => ({ value: r, checked: office?.status === 'rejected' && office.reason === r })),
    leader: byKind('leader')[0] ?? null,
    // A finished request without a leader stage never needed (or never reached) one, nor one of universal tables only a
    // data source's review: their boxes say so, not 暂无, which on an archived paper form reads as a missing signature.
    leaderSkipped: !byKind('leader').length && FINISHED.includes(request.status),
    sourcesSkipped: !byKind('source').length && FINISHED.includes(request.status),
    pledgeItems: pad(
      request.items.map((i) => `${i.title ?? i.table}${t('common.inParentheses', { text: i.table })}`),
      3,
      '',
    ),
  };
}
