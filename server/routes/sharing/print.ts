import type { Translator } from '../../i18n';
import type { PresentedRequest } from '../../services/sharing/presenter';
import {
  DATASETS,
  METHODS,
  neverSubmitted,
  REJECTION_REASONS,
  SYSTEM_STATUSES,
  type StageKind,
} from '../../services/sharing/types';

/**
 * The approval form (审批表), the field requirement document and the pledge, laid out like seed 000:
 * every choice as a ticked or empty box, every stage's opinion in its box, blank signature lines.
 */
const pad = <T>(rows: T[], min: number, blank: T): T[] => [
  ...rows,
  ...Array.from({ length: Math.max(0, min - rows.length) }, () => blank),
];

/**
 * What a review box of `kind` says when the request has no stage of it. A submitted request's stages are its plan, made
 * at submission (submitRequest: sources from the catalog, the leader from the sensitive fields and the hub's rows), so a
 * stage it has not got is not needed (notRequired), whatever its status. A draft has no plan yet (undetermined); a draft
 * withdrawn unsubmitted went through no review at all (skipped). `null`: the request has stages of that kind.
 */
function stageBoxes(request: PresentedRequest, kind: StageKind): 'notRequired' | 'undetermined' | 'skipped' | null {
  if (request.stages.some((s) => s.kind === kind)) return null;
  if (!neverSubmitted(request)) return 'notRequired';
  return request.status === 'withdrawn' ? 'skipped' : 'undetermined';
}

/**
 * What a review box says when its stage was cancelled before anyone decided it (the request was withdrawn, or refused
 * at another stage): the box's choices stay empty, and on paper an empty box reads as a decision still to come.
 */
function cancelledNote(request: PresentedRequest, stage: { status: string } | null | undefined): string | null {
  if (stage?.status !== 'cancelled') return null;
  return request.status === 'withdrawn' ? 'sharing.print.cancelled.withdrawn' : 'sharing.print.cancelled.refused';
}

export function printModel(request: PresentedRequest, t: Translator) {
  const f = request.form;
  const byKind = (kind: string) => request.stages.filter((s) => s.kind === kind);
  const first = byKind('it_first')[0] ?? null;
  const final = byKind('it_final')[0] ?? null;
  // The IT office's box holds the final review, or the first review when that ended the request.
  const office = final?.decided_at ? final : first?.status === 'rejected' ? first : null;
  // A table or field by its catalog title with its name beside it; one without a title (a table declaring no fields
  // takes any column name) by its name alone — it was printed twice (reader_no reader_no).
  // A draft withdrawn unsubmitted went through no review: the unit's and the office's boxes say so, as the data sources'
  // and the leader's do (empty, with their signature lines, they read as decisions still to come).
  const skipped = stageBoxes(request, 'applicant_unit') === 'skipped' ? 'sharing.print.stage.skipped' : null;
  const fieldDocRows = request.items.flatMap((item, i) =>
    item.fields.map((field, j) => ({
      seq: j === 0 ? i + 1 : '',
      table: j === 0 ? (item.title ?? '') : '',
      tableCode: j === 0 ? item.table : '',
      field: field.title ?? '',
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
    unitCancelled: cancelledNote(request, byKind('applicant_unit')[0]) ?? skipped,
    sources: byKind('source').map((s) => ({ ...s, cancelledNote: cancelledNote(request, s) })),
    // The first review's line in the IT office's box, unless it is that box's own decision (a refusal that ended it).
    firstReview: first?.decided_at && first !== office ? first : null,
    office,
    officeIsFirst: !!office && office === first,
    // The office's box when neither of its reviews was decided: the one the request was waiting for was cancelled.
    officeCancelled: office ? null : (cancelledNote(request, final?.status === 'cancelled' ? final : first) ?? skipped),
    officeReasons: REJECTION_REASONS.map((r) => ({ value: r, checked: office?.status === 'rejected' && office.reason === r })),
    leader: byKind('leader')[0] ?? null,
    leaderCancelled: cancelledNote(request, byKind('leader')[0]),
    // Which review boxes this request has (stageBoxes): a leader or data source box it has no stage for says so,
    // not 暂无, which on a paper form reads as a signature still to come.
    leaderBox: stageBoxes(request, 'leader'),
    sourcesBox: stageBoxes(request, 'source'),
    pledgeItems: pad(
      request.items.map((i) => (i.title ? `${i.title}${t('common.inParentheses', { text: i.table })}` : i.table)),
      3,
      '',
    ),
  };
}
