/**
 * Catalog files arrive as bytes (upload, `hubwatch catalog import FILE`) and must be UTF-8. A file saved
 * as GBK (common on Chinese Windows) would otherwise be read as mojibake and imported as such, so bytes
 * that are not UTF-8 are a problem naming the first line that cannot be read, and nothing is imported.
 */
import type { CatalogProblem } from './problems';

const BOM = [0xef, 0xbb, 0xbf];

export type DecodedCatalog = { text: string; problem: null } | { text: null; problem: CatalogProblem };

/** The file's text (a UTF-8 byte order mark removed), or the problem when it is not UTF-8. */
export function decodeCatalogFile(bytes: Uint8Array): DecodedCatalog {
  const body = BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(BOM.length) : bytes;
  try {
    // ignoreBOM: the UTF-8 mark was removed above; any other is text the parser reports.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), problem: null };
  } catch {
    return { text: null, problem: notUtf8(firstBadLine(body)) };
  }
}

/** 1-based line of the first bytes that are not UTF-8 (a line feed byte is never inside a UTF-8 or GBK character). */
function firstBadLine(bytes: Uint8Array): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
  return null;
}

function notUtf8(line: number | null): CatalogProblem {
  return {
    line,
    path: '',
    code: 'bad_encoding',
    message: {
      'zh-CN':
        '文件不是 UTF-8 编码（可能是 GBK 等其他编码），无法正确读取中文：请在编辑器中另存为 UTF-8 后重新导入；未做任何更改',
      en: 'the file is not UTF-8 encoded (GBK or another encoding?), so its Chinese text cannot be read: save it as UTF-8 and import it again; nothing changed',
    },
    severity: 'error',
  };
}
