/**
 * Built-in national code lists a catalog field can name with `codes: GB/T 2261.1` etc.
 *
 * Accepted values: a hub value passes the check when it equals a list's CODE (e.g. '1', '01') OR its
 * LABEL (e.g. '男', '汉族'). Hubs hold both forms — some business systems sync the code, others the
 * name — and both are unambiguous, so `builtinCodeValues` returns codes and labels together.
 * Comparison is exact (the check engine trims the value first, as it does for emptiness); '1' does
 * not match the ethnicity code '01', because GB/T 3304 codes are two digits.
 */

import type { CodeList } from './types';

export interface BuiltinCode {
  code: string;
  label: string;
}

export interface BuiltinCodeList {
  title: string;
  /** The standard's title in English, for English pages. */
  titleEn: string;
  codes: BuiltinCode[];
}

const codes = (pairs: [string, string][]): BuiltinCode[] => pairs.map(([code, label]) => ({ code, label }));

/** GB/T 3304 民族 codes 01–56 in the standard's order, then 97 and 98. */
const ETHNIC_GROUPS = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
];

export const BUILTIN_CODE_LISTS: Record<string, BuiltinCodeList> = {
  'GB/T 2261.1': {
    title: '人的性别代码',
    titleEn: 'Codes for sexes of human',
    codes: codes([
      ['0', '未知的性别'],
      ['1', '男'],
      ['2', '女'],
      ['9', '未说明的性别'],
    ]),
  },
  'GB/T 4762': {
    title: '政治面貌代码',
    titleEn: 'Codes for political status',
    codes: codes([
      ['01', '中国共产党党员'],
      ['02', '中国共产党预备党员'],
      ['03', '中国共产主义青年团团员'],
      ['04', '中国国民党革命委员会会员'],
      ['05', '中国民主同盟盟员'],
      ['06', '中国民主建国会会员'],
      ['07', '中国民主促进会会员'],
      ['08', '中国农工民主党党员'],
      ['09', '中国致公党党员'],
      ['10', '九三学社社员'],
      ['11', '台湾民主自治同盟盟员'],
      ['12', '无党派民主人士'],
      ['13', '群众'],
    ]),
  },
  'GB/T 3304': {
    title: '中国各民族名称的罗马字母拼写法和代码',
    titleEn: 'Names of nationalities of China in romanization with codes',
    codes: [
      ...ETHNIC_GROUPS.map((label, i) => ({ code: String(i + 1).padStart(2, '0'), label })),
      { code: '97', label: '其他' },
      { code: '98', label: '外国血统中国籍人士' },
    ],
  },
};

/** The built-in list of that name; own names only (`constructor` is no list). */
const listNamed = (name: string): BuiltinCodeList | undefined =>
  Object.prototype.hasOwnProperty.call(BUILTIN_CODE_LISTS, name) ? BUILTIN_CODE_LISTS[name] : undefined;

/** Values a field checked against the named list accepts: every code and every label. */
export function builtinCodeValues(name: string): string[] | undefined {
  const list = listNamed(name);
  if (!list) return undefined;
  return [...list.codes.map((c) => c.code), ...list.codes.map((c) => c.label)];
}

/** The label for a code (or the value itself when it is already a label); undefined when not in the list. */
export function builtinCodeLabel(name: string, value: string): string | undefined {
  return listNamed(name)?.codes.find((c) => c.code === value || c.label === value)?.label;
}

/**
 * The label people read for a hub value of a field coded by a national list (`13` → 群众), to show beside the code:
 * the hub keeps codes, the pages a reporter or steward knows show labels. Null for a label, a value the list lacks or
 * a field without a national list.
 */
export function codeLabelOf(value: string | null | undefined, codes: CodeList | null | undefined): string | null {
  if (!value || codes?.kind !== 'builtin') return null;
  return listNamed(codes.name)?.codes.find((c) => c.code === value.trim())?.label ?? null;
}

export function isBuiltinCodeList(name: string): boolean {
  return listNamed(name) !== undefined;
}
