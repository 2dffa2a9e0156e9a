import { maskValue, type MaskKind } from './mask';
import { classifyKey } from './sensitive-keys';

/** What is known of a field: the catalog's name, title, `sensitive` flag and validator. */
export interface FieldLike {
  name: string;
  title?: string | null;
  sensitive: boolean;
  validate?: string | null;
}

/** Column names of a person's name (姓名), compared lower-cased without separators: `name`, `xm`, `staff_name`… */
const NAME_KEYS = new Set([
  'name',
  'xm',
  'xingming',
  'realname',
  'fullname',
  'personname',
  'staffname',
  'studentname',
  'teachername',
  'readername',
]);

function isPersonName(field: FieldLike): boolean {
  return (field.title ?? '').includes('姓名') || NAME_KEYS.has(field.name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/**
 * Whether a field's values are personal data, and how to mask them: by its validator (ID number,
 * mobile, e-mail), else by its name (`id_card`, `sfzh`, `phone`, `email`… as in the logs), else a
 * person's name (姓名: the catalog rarely marks names sensitive, yet a list of names by staff number is
 * personal data), else any other field the catalog marks `sensitive`. Null: not personal data.
 */
export function personalKind(field: FieldLike): MaskKind | null {
  if (field.validate === 'cn_id_card' || field.validate === 'cn_mobile' || field.validate === 'email') return field.validate;
  const byKey = classifyKey(field.name);
  if (byKey) return byKey;
  if (isPersonName(field)) return 'name';
  return field.sensitive ? 'text' : null;
}

/** A value of the field as someone who does not need it in full may see it: masked when it is personal data. */
export function maskPersonal<T extends string | null | undefined>(value: T, field: FieldLike): T {
  const kind = personalKind(field);
  if (!kind || value === null || value === undefined) return value;
  return maskValue(value, kind) as T;
}
