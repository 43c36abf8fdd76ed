/**
 * Every public export of `@cognate/client`, `@cognate/client/node` and `@cognate/client/ui` (and every public member
 * of the exported classes) carries TSDoc with an `@example`, read with the TypeScript compiler.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const entries = [path.join(src, 'index.ts'), path.join(src, 'node.ts'), path.join(src, 'ui', 'index.ts')];

function hasExample(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (target.getJsDocTags(checker).some((t) => t.name === 'example')) return true;
  // A type alias sharing its name with a documented constant (UserState) is covered by the constant.
  return (target.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
}

describe('public API documentation', () => {
  it('every export and public class member has TSDoc with an @example', () => {
    const program = ts.createProgram(entries, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    for (const entry of entries) {
      const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const name = `${path.basename(entry)}: ${exported.name}`;
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const documented = hasExample(exported, checker) || (target.flags & ts.SymbolFlags.TypeAlias && checker.getExportsOfModule(moduleSymbol).some((o) => o !== exported && o.name === exported.name));
        if (!documented) missing.push(name);
        if (!(target.flags & ts.SymbolFlags.Class)) continue;
        const classDecl = target.declarations?.find(ts.isClassDeclaration);
        for (const member of classDecl?.members ?? []) {
          if (ts.isConstructorDeclaration(member) || !member.name || ts.isPrivateIdentifier(member.name)) continue;
          const modifiers = ts.getCombinedModifierFlags(member);
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          if (!ts.getJSDocTags(member).some((t) => t.tagName.text === 'example')) missing.push(`${name}.${member.name.getText()}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });
});
