import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

/**
 * The API contract defines no type twice: an exported interface in core/api must not repeat the fields
 * of an exported interface elsewhere in core/. The contract imports (and re-exports) the domain's
 * type instead, so a change is made once and the copies cannot drift.
 */

interface DeclaredShape {
  file: string;
  name: string;
  fields: string[];
}

const MIN_FIELDS = 3;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Exported interfaces and object-literal type aliases of a file, with their field names. */
export function exportedShapes(file: string, text: string): DeclaredShape[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const shapes: DeclaredShape[] = [];
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  const fieldNames = (members: ts.NodeArray<ts.TypeElement>) =>
    members.filter(ts.isPropertySignature).map((member) => member.name.getText(source)).sort();
  for (const statement of source.statements) {
    if (!exported(statement)) continue;
    if (ts.isInterfaceDeclaration(statement)) shapes.push({ file, name: statement.name.text, fields: fieldNames(statement.members) });
    else if (ts.isTypeAliasDeclaration(statement) && ts.isTypeLiteralNode(statement.type)) {
      shapes.push({ file, name: statement.name.text, fields: fieldNames(statement.type.members) });
    }
  }
  return shapes;
}

/** Pairs (contract shape, domain shape) with the same field names. */
export function copiedShapes(contract: DeclaredShape[], domain: DeclaredShape[]): Array<[DeclaredShape, DeclaredShape]> {
  const byFields = new Map<string, DeclaredShape[]>();
  for (const shape of domain) {
    if (shape.fields.length < MIN_FIELDS) continue;
    const key = shape.fields.join(',');
    byFields.set(key, [...(byFields.get(key) ?? []), shape]);
  }
  return contract.flatMap((shape) => (shape.fields.length < MIN_FIELDS ? [] : (byFields.get(shape.fields.join(',')) ?? []).map((twin) => [shape, twin] as [DeclaredShape, DeclaredShape])));
}

// Compiled to dist/test/unit; the sources are read from the repository.
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const shapesIn = (files: string[]) => files.flatMap((file) => exportedShapes(path.relative(root, file), readFileSync(file, 'utf8')));

describe('one definition per type', () => {
  it('core/api repeats no domain interface', () => {
    const all = sourceFiles(path.join(root, 'core'));
    const api = path.join(root, 'core', 'api') + path.sep;
    const copies = copiedShapes(shapesIn(all.filter((file) => file.startsWith(api))), shapesIn(all.filter((file) => !file.startsWith(api))));
    assert.deepEqual(
      copies.map(([copy, original]) => `${copy.file} ${copy.name} repeats ${original.file} ${original.name}`),
      [],
    );
  });

  it('catches a deliberately copied interface', () => {
    const domain = exportedShapes('core/x/types.ts', 'export interface Progress { state: string; step: number; steps: number; message?: string }');
    const copy = exportedShapes('core/api/contract-x.ts', '/** docs differ */\nexport interface ProgressView { steps: number; state: "a" | "b"; message?: string; step: number }');
    const renamedField = exportedShapes('core/api/contract-y.ts', 'export interface Other { state: string; step: number; total: number; message?: string }');
    assert.equal(copiedShapes(copy, domain).length, 1);
    assert.equal(copiedShapes(renamedField, domain).length, 0);
  });
});
