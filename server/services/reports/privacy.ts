import type { Catalog } from '../catalog/types';
import { maskPersonal, scrubText } from '../privacy';
import { maskSuggestedValue, ticketField } from '../tickets';
import { shownKey } from './describe';
import type { ReportRow } from './types';

type Masked = Pick<
  ReportRow,
  'table_name' | 'field_name' | 'record_key' | 'description' | 'suggested_value' | 'observed_value' | 'hub_value'
>;

const NO_CATALOG: Catalog = {
  calendar: { timezone: 'Asia/Shanghai', events: [], holidays: [], workdays: [] },
  departments: [],
  systems: [],
  tables: [],
  rules: [],
};

/**
 * A report as someone other than its reporter and the responsible department's stewards sees it (the
 * IT office triaging or overseeing, leaders): the suggested value and the hub's value masked by the
 * field's kind of personal data, the record key as tickets show it, and ID numbers, mobiles and
 * e-mails inside the description masked — as the audit log keeps them. The stewards, who must fix
 * the record, and the reporter, who wrote it, see it in full.
 */
export function maskReportFor<T extends Masked>(catalog: Catalog | null | undefined, r: T): T {
  const field = ticketField(catalog, r.table_name, r.field_name);
  return {
    ...r,
    record_key: shownKey(catalog ?? NO_CATALOG, r.table_name, r.record_key),
    description: scrubText(r.description),
    suggested_value: r.suggested_value === null ? null : maskSuggestedValue(r.suggested_value, field),
    observed_value: r.observed_value === null ? null : maskSuggestedValue(r.observed_value, field),
    hub_value: r.hub_value === null || !field ? r.hub_value : maskPersonal(r.hub_value, field),
  };
}
