import path from 'node:path';
import ts from 'typescript';
import { hasKey, translator } from '../../server/i18n';
import { summaryKeyLabel } from '../../server/presenters/audit';

/**
 * Every key the server writes into an audit row's summary has a name in both languages: the audit page shows
 * "状态: open → acknowledged" rather than "status: …" (admin.audit.keys.*; a nested key is named part by part,
 * `leader.required` → "校领导审批 · 需要"). As the action-label test reads the actions from the source, this one
 * reads the summaries, with the TypeScript checker so that a summary built from variables, spreads and helper
 * functions (`...summary`, `summary(before)`, an event's `details`) is seen as well as an object literal:
 *
 * - `appendAudit(db, { summary })`: every property of the summary's type, at every depth (objects the
 *   project declares; not Date, arrays or library types);
 * - a wrapper that hands one of its parameters to appendAudit as the summary (the sharing workflow's
 *   `audit(trx, actor, 'sharing.submit', id, {…})`): that argument at each of its calls;
 * - `recordAndAudit(trx, ticket, action, event, origin, auditView)`: the summary it writes is the event's
 *   fields plus its `details` (or auditView's): `details` at each call.
 *
 * A summary whose keys cannot be known from the types (a `Record<string, unknown>` handed on some other way)
 * fails, naming where: teach this test how to read it rather than let its keys go unnamed.
 */

const ROOT = path.join(__dirname, '../..');
/** Where the code that writes audit rows lives (tests and migrations write none the page shows). */
const SOURCE_DIRS = ['server', 'cli', 'jobs', 'rules'].map((d) => path.join(ROOT, d) + path.sep);

interface Found {
  keys: Map<string, Set<string>>;
  /** `file:line` of every appendAudit call seen. */
  calls: string[];
  /** Summaries whose keys the types do not tell. */
  unreadable: string[];
}

function loadProgram(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const roots = config.fileNames.filter((f) => SOURCE_DIRS.some((d) => path.normalize(f).startsWith(d)));
  return ts.createProgram(roots, { ...config.options, noEmit: true });
}

function writtenSummaryKeys(): Found {
  const program = loadProgram();
  const checker = program.getTypeChecker();
  const where = (node: ts.Node) => {
    const sf = node.getSourceFile();
    return `${path.relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const found: Found = { keys: new Map(), calls: [], unreadable: [] };
  const add = (key: string, at: string) => {
    if (!found.keys.has(key)) found.keys.set(key, new Set());
    found.keys.get(key)!.add(at);
  };

  /** The function a call's callee names, through imports and re-exports. */
  const calleeOf = (call: ts.CallExpression): ts.Declaration | undefined => {
    let symbol = checker.getSymbolAtLocation(call.expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  };
  const named = (decl: ts.Declaration | undefined, name: string) =>
    !!decl && ts.isFunctionDeclaration(decl) && decl.name?.text === name;

  const isLibraryInterface = (type: ts.Type) => {
    const objectFlags = (type as ts.ObjectType).objectFlags ?? 0;
    const decls = (type.aliasSymbol ?? type.getSymbol())?.declarations ?? [];
    return (
      !!(objectFlags & (ts.ObjectFlags.Interface | ts.ObjectFlags.Class | ts.ObjectFlags.Reference)) &&
      decls.length > 0 &&
      decls.every((d) => d.getSourceFile().isDeclarationFile)
    );
  };

  /** The keys of a summary (or part of one) of this type, at every depth; false when the type leaves them open. */
  const keysOf = (type: ts.Type, at: string, node: ts.Node, depth = 0): boolean => {
    let closed = true;
    for (const part of type.isUnion() ? type.types : [type]) {
      if (!(part.flags & ts.TypeFlags.Object)) {
        if (part.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) closed = false;
        continue;
      }
      if (checker.isArrayType(part) || checker.isTupleType(part) || isLibraryInterface(part)) continue;
      if (part.getCallSignatures().length) continue;
      if (checker.getIndexInfosOfType(part).length) closed = false;
      if (depth > 4) continue;
      for (const prop of checker.getPropertiesOfType(part)) {
        add(prop.name, at);
        keysOf(checker.getTypeOfSymbolAtLocation(prop, node), at, node, depth + 1);
      }
    }
    return closed;
  };

  /** The type of property `name` of an argument (an object literal or any expression of object type). */
  const propertyType = (arg: ts.Expression | undefined, name: string): ts.Type | undefined => {
    if (!arg) return undefined;
    const prop = checker.getTypeAtLocation(arg).getProperty(name);
    return prop ? checker.getTypeOfSymbolAtLocation(prop, arg) : undefined;
  };

  const sourceFiles = program
    .getSourceFiles()
    .filter((sf) => !sf.isDeclarationFile && SOURCE_DIRS.some((d) => path.normalize(sf.fileName).startsWith(d)));
  const calls: ts.CallExpression[] = [];
  for (const sf of sourceFiles) {
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  // Pass 1: appendAudit's calls; a summary that is a parameter of the enclosing function makes it a wrapper.
  const wrappers = new Map<ts.Declaration, number>();
  for (const call of calls) {
    if (!named(calleeOf(call), 'appendAudit')) continue;
    const at = where(call);
    found.calls.push(at);
    const entry = call.arguments[1];
    if (!entry) continue;
    let summaryExpr: ts.Node | undefined;
    if (ts.isObjectLiteralExpression(entry)) {
      const p = entry.properties.find((q) => q.name && ts.isIdentifier(q.name) && q.name.text === 'summary');
      summaryExpr = p && (ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined);
      if (!p && !entry.properties.some(ts.isSpreadAssignment)) continue; // no summary at all
    }
    if (summaryExpr && ts.isIdentifier(summaryExpr)) {
      const symbol = ts.isShorthandPropertyAssignment(summaryExpr.parent)
        ? checker.getShorthandAssignmentValueSymbol(summaryExpr.parent)
        : checker.getSymbolAtLocation(summaryExpr);
      const param = symbol?.valueDeclaration;
      if (param && ts.isParameter(param) && ts.isFunctionLike(param.parent)) {
        wrappers.set(param.parent, param.parent.parameters.indexOf(param));
        continue;
      }
    }
    const type = summaryExpr ? checker.getTypeAtLocation(summaryExpr) : propertyType(entry, 'summary');
    if (!type) continue;
    const inRecordAndAudit = !!ts.findAncestor(call, (n) => named(n as ts.Declaration, 'recordAndAudit'));
    // recordAndAudit's summary ends with `...details`: read at its calls (pass 2).
    if (!keysOf(type, at, call) && !inRecordAndAudit) found.unreadable.push(at);
  }

  // Pass 2: the wrappers' and recordAndAudit's calls.
  for (const call of calls) {
    const callee = calleeOf(call);
    if (!callee) continue;
    const at = where(call);
    const index = wrappers.get(callee);
    if (index !== undefined) {
      const arg = call.arguments[index];
      if (arg && !keysOf(checker.getTypeAtLocation(arg), at, call)) found.unreadable.push(at);
    }
    if (named(callee, 'recordAndAudit')) {
      for (const arg of [call.arguments[3], call.arguments[5]]) {
        const details = propertyType(arg, 'details');
        if (details && !keysOf(details, at, call)) found.unreadable.push(at);
      }
    }
  }
  return found;
}

describe('audit summary keys', () => {
  let found: Found;
  let keys: string[];
  const where = (k: string) => `${k} (${[...found.keys.get(k)!].join(', ')})`;
  beforeAll(() => {
    found = writtenSummaryKeys();
    keys = [...found.keys.keys()].sort();
  });

  it('finds the summaries the server writes', () => {
    // A broken scan would make the naming test pass on nothing.
    expect(found.calls.length).toBeGreaterThanOrEqual(30);
    expect(keys.length).toBeGreaterThanOrEqual(60);
    expect(keys).toEqual(
      expect.arrayContaining([
        'method', // auth.login: an object literal
        'deactivated', // catalog.import: `...summary`, an interface
        'roles', // user.update: `before: summary(before)`, a helper's result
        'runId', // ticket.resolve: recordAndAudit's event details
        'suggested_value', // ticket.report: a const event and the audit view
        'leader', // sharing.submit: the sharing workflow's audit() wrapper
        'required', // …and inside it (leader.required)
        'expiresOn', // sharing.grant (the wrapper) and sharing.expiry_reminder (appendAudit)
        'high', // tickets.settings: Record<Severity, number>
        'freshness', // scorecards.weights: Record<Component, number>
      ]),
    );
  });

  it("can tell every summary's keys from its type", () => {
    expect(found.unreadable).toEqual([]);
  });

  it('each key written to an audit summary is named in Chinese and English', () => {
    expect(keys.filter((k) => !hasKey('zh-CN', `admin.audit.keys.${k}`)).map(where)).toEqual([]);
    expect(keys.filter((k) => !hasKey('en', `admin.audit.keys.${k}`)).map(where)).toEqual([]);
  });
});

describe('summaryKeyLabel', () => {
  const zh = translator('zh-CN');
  const en = translator('en');

  it("names a key in the reader's language, a nested key part by part", () => {
    expect(summaryKeyLabel('status', zh)).toBe('状态');
    expect(summaryKeyLabel('status', en)).toBe('Status');
    expect(summaryKeyLabel('leader.required', zh)).toBe('校领导审批 · 需要');
    expect(summaryKeyLabel('leader.required', en)).toBe("University leader's review · Required");
    // A record key's column has no name: shown as stored beside the named part.
    expect(summaryKeyLabel('key.xh', zh)).toBe('记录键 · xh');
  });

  it('names from and to by what they are on the row: statuses of a ticket, dates of an assessment period', () => {
    expect(summaryKeyLabel('from', zh, 'ticket')).toBe('原状态');
    expect(summaryKeyLabel('to', zh, 'ticket')).toBe('新状态');
    expect(summaryKeyLabel('from', zh, 'assessment_period')).toBe('开始日期');
    expect(summaryKeyLabel('to', en, 'assessment_period')).toBe('End date');
    expect(summaryKeyLabel('from', en, 'report')).toBe('Status before');
    // Another row's key keeps its general name, as does a key without an object.
    expect(summaryKeyLabel('status', zh, 'ticket')).toBe('状态');
    expect(summaryKeyLabel('from', zh)).toBe('从');
  });

  it("gives no name to a key without one (an older version's), so the page shows it as stored", () => {
    for (const key of ['retired_key', 'old.nested', '', '.', 'constructor', '__proto__', 'toString.x'])
      expect(summaryKeyLabel(key, zh)).toBeNull();
  });
});
