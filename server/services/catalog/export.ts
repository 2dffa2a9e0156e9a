/**
 * Writes a Catalog back as catalog YAML that `parseCatalog` reads into an identical Catalog. Keys
 * with their default value (required: false, severity: medium, …) are left out, as a person would
 * write them. Output depends only on the Catalog, so exporting twice gives the same text.
 */
import { Document, isMap, isSeq, type Node } from 'yaml';
import type { Catalog, CatalogCalendar, CatalogField, CatalogTable, CodeList, Deadline } from './types';
import { formatDuration } from './values';

type Plain = Record<string, unknown>;

function exportEvent(event: CatalogCalendar['events'][number]): unknown {
  const title = event.title ? { title: event.title } : {};
  if (event.yearly.length === 0) return event.title ? { dates: event.dates, ...title } : event.dates;
  const yearly = event.yearly.length === 1 ? event.yearly[0] : event.yearly;
  return event.dates.length === 0 ? { yearly, ...title } : { dates: event.dates, yearly, ...title };
}

function exportCalendar(calendar: CatalogCalendar): Plain {
  const result: Plain = { timezone: calendar.timezone };
  if (calendar.events.length > 0) result.events = Object.fromEntries(calendar.events.map((e) => [e.name, exportEvent(e)]));
  // A named day as it was written: { date, name }.
  const days = (dates: string[]) =>
    dates.map((date) => (calendar.dayNames?.[date] ? { date, name: calendar.dayNames[date] } : date));
  if (calendar.holidays.length > 0) result.holidays = days(calendar.holidays);
  if (calendar.workdays.length > 0) result.workdays = days(calendar.workdays);
  return result;
}

function exportCodes(codes: CodeList): unknown {
  if (codes.kind === 'builtin') return codes.name;
  if (codes.kind === 'inline') return codes.values;
  return { table: codes.table, column: codes.column };
}

function exportDeadline(deadline: Deadline): Plain {
  return deadline.kind === 'after'
    ? { after: deadline.column, within: formatDuration(deadline.within) }
    : { after_event: deadline.event, within: formatDuration(deadline.within) };
}

function exportField(field: CatalogField): Plain {
  const result: Plain = { name: field.name };
  if (field.title !== null) result.title = field.title;
  if (field.department !== null) result.department = field.department;
  if (field.required) result.required = true;
  if (field.unique) result.unique = true;
  if (field.pattern !== null) result.pattern = field.pattern;
  if (field.validate !== null) result.validate = field.validate;
  if (field.codes !== null) result.codes = exportCodes(field.codes);
  if (field.references !== null) result.references = `${field.references.table}.${field.references.column}`;
  if (field.sensitive) result.sensitive = true;
  if (field.severity !== 'medium') result.severity = field.severity;
  if (field.deadline !== null) result.deadline = exportDeadline(field.deadline);
  return result;
}

function exportTable(table: CatalogTable): Plain {
  const result: Plain = { name: table.name };
  if (table.title !== null) result.title = table.title;
  if (table.domain !== null) result.domain = table.domain;
  result.department = table.department;
  if (table.system !== null) result.system = table.system;
  result.sharing = table.sharing;
  result.key = table.key;
  if (table.updatedAt !== null) result.updated_at = table.updatedAt;
  if (table.freshness !== null) result.freshness = formatDuration(table.freshness);
  if (table.maintainedIn !== null) result.maintained_in = table.maintainedIn;
  if (Object.keys(table.scope).length > 0) result.scope = table.scope;
  if (table.schedule !== null) result.schedule = table.schedule;
  if (table.fields.length > 0) result.fields = table.fields.map(exportField);
  return result;
}

/** Short collections on one line (`{ code: HR, name: 人事处 }`, `[unit_code]`), long ones in blocks. */
function flowShortCollections(node: unknown, depth: number): void {
  if (!isMap(node) && !isSeq(node)) return;
  const collection = node as Node & { items: unknown[]; flow?: boolean };
  for (const entry of collection.items) {
    const value = isMap(node) ? (entry as { value: unknown }).value : entry;
    flowShortCollections(value, depth + 1);
  }
  const text = JSON.stringify(collection.toJSON());
  if (depth >= 2 && text.length <= 100) collection.flow = true;
}

export function exportCatalog(catalog: Catalog): string {
  const plain: Plain = {
    calendar: exportCalendar(catalog.calendar),
    departments: catalog.departments.map((d) =>
      d.stewards !== undefined ? { code: d.code, name: d.name, stewards: d.stewards } : { code: d.code, name: d.name },
    ),
    systems: catalog.systems.map((s) => ({ name: s.name, department: s.department })),
    tables: catalog.tables.map(exportTable),
    rules: catalog.rules.map((rule) => {
      const result: Plain = { name: rule.name, table: rule.table, conditions: rule.conditions, event: rule.event };
      if (rule.priority !== undefined) result.priority = rule.priority;
      return result;
    }),
  };
  const doc = new Document(plain);
  flowShortCollections(doc.contents, 0);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
