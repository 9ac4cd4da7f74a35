// Imports run downhill (docs/architecture.md): fails with the offending import lines when a low
// layer imports a higher one. Part of `npm run typecheck`.
//   tsx scripts/check-imports.ts
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Folders (relative to the repo root) and the folders they may not import from. */
export const FORBIDDEN: { from: string[]; may_not_import: string[]; why: string }[] = [
  {
    from: ['src/types', 'src/ldae', 'src/data', 'src/backends'],
    may_not_import: ['src/engine', 'src/ui', 'src/cli'],
    why: 'the science, data and backend layers run in the worker, Node and tests alike',
  },
  { from: ['src/ldae'], may_not_import: ['src/backends', 'src/node'], why: 'backends/ fills in kernels src/ldae defines; src/node is Node-only' },
  {
    from: ['src/ui', 'src/engine/client'],
    may_not_import: ['src/engine/worker', 'src/backends', 'src/node', 'src/cli'],
    why: 'the page reaches the worker only through src/engine/protocol and the client; tensors stay in the worker',
  },
  { from: ['src/engine/worker'], may_not_import: ['src/engine/client', 'src/ui', 'src/cli', 'src/node'], why: 'the worker answers the protocol; it never reaches back into the page or Node' },
];

/** src/types holds plain data types: it may import only types from src/ldae/config (and itself). */
const TYPES_DIR = 'src/types';
const TYPES_MAY_IMPORT = 'src/ldae/config';

const within = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

function sourceFiles(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')));
}

interface ImportRef {
  line: number;
  text: string;
  /** Repo-relative path without extension for relative specifiers, else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

function importsOf(root: string, file: string): ImportRef[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    const target = specifier.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.(tsx?|js)$/, '')
      : specifier;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    refs.push({ line, text: node.getText(sf).split('\n').join(' '), target, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypeSpecifiers = !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly) && !clause?.name;
      add(node, node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || allTypeSpecifiers));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node, node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** One line per import that breaks a rule: "file:line: import ... (why)". */
export function findBadImports(root: string): string[] {
  const problems: string[] = [];
  const dirs = [...new Set([TYPES_DIR, ...FORBIDDEN.flatMap((r) => r.from)])];
  for (const file of dirs.flatMap((d) => sourceFiles(root, d))) {
    for (const ref of importsOf(root, file)) {
      const where = `${file}:${ref.line}: ${ref.text}`;
      for (const rule of FORBIDDEN) {
        if (!rule.from.some((d) => within(file, d))) continue;
        const hit = rule.may_not_import.find((d) => within(ref.target, d));
        if (hit) problems.push(`${where}  (${rule.from.find((d) => within(file, d))} may not import ${hit}: ${rule.why})`);
      }
      if (within(file, TYPES_DIR) && !within(ref.target, TYPES_DIR) && !(ref.target === TYPES_MAY_IMPORT && ref.typeOnly)) {
        problems.push(`${where}  (${TYPES_DIR} may import only types from ${TYPES_MAY_IMPORT}: use import type)`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const problems = findBadImports(root);
  if (problems.length > 0) {
    console.error(`check-imports: ${problems.length} import(s) run uphill:\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log('check-imports: imports run downhill');
}
