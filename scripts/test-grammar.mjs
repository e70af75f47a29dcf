#!/usr/bin/env node
// `node scripts/test-grammar.mjs`: the claim-link injection grammars in syntaxes/ against the
// Markdown grammar VS Code ships, taken from the code-server that host.mjs provides (never copied
// into this repository), with the HTML and YAML grammars that Markdown embeds.
//
// 1. vscode-tmgrammar-test checks the scope assertions in test/grammar/*.md.
// 2. Every character of those files must get the same Markdown scopes with and without our
//    grammars: a claim link adds scopes, it never changes how Markdown itself is highlighted.
// 3. Once package.json contributes the grammars, its entries must be the ones tested here.
//
// Test files use `<!--` as the comment token. The tool rejects a closing `-->` on the header and
// assertion lines, so those stay open; it drops them before tokenizing.
//
// The closing `N passed, M failed` counts test cases: each Markdown line that carries assertions
// (one case per line, as the tool's xunit report counts them), one scope comparison per test
// file, and the package.json check when there is something to check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ensureHost, ROOT } from './host.mjs';

/** Exactly what package.json should have under `contributes.grammars`. */
const CONTRIBUTED = [
  { scopeName: 'markdown.cruxmark.claim-link', path: './syntaxes/claim-link.tmLanguage.json', injectTo: ['text.html.markdown'] },
  { scopeName: 'markdown.cruxmark.claim-link-definition', path: './syntaxes/claim-link-definition.tmLanguage.json', injectTo: ['text.html.markdown'] },
];
const TESTS = 'test/grammar';
const OURS = /\.cruxmark$/;

const require = createRequire(join(ROOT, 'package.json'));
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index.js');
const { parseGrammarTestCase } = require('vscode-tmgrammar-test/dist/unit/index.js');

let passed = 0;
let failed = 0;
const fail = (message) => {
  failed++;
  console.log(`✖ ${message}`);
};

/** The grammars VS Code would use for a Markdown file, from code-server's built-in extensions. */
function hostGrammars(entry) {
  const extensions = join(dirname(entry), '../../lib/vscode/extensions');
  return ['markdown-basics', 'html', 'yaml'].flatMap((ext) => {
    const dir = join(extensions, ext, 'syntaxes');
    return readdirSync(dir).filter((f) => f.endsWith('.tmLanguage.json')).sort().map((f) => join(dir, f));
  });
}

/** Runs vscode-tmgrammar-test and counts its xunit test cases. */
function runAssertions(host, files, work) {
  // The tool applies an injection grammar only through an `injectTo` in its configuration file,
  // whose paths are relative to that file; `-g` alone loads the grammar but never injects it.
  const config = join(work, 'grammars.json');
  const grammars = CONTRIBUTED.map((g) => ({ ...g, path: relative(work, join(ROOT, g.path)) }));
  writeFileSync(config, JSON.stringify({ contributes: { grammars } }));
  const reports = join(work, 'xunit');
  const args = [...host, ...CONTRIBUTED.map((g) => join(ROOT, g.path))].flatMap((g) => ['-g', g]);
  const r = spawnSync(join(ROOT, 'node_modules/.bin/vscode-tmgrammar-test'),
    [...args, '--config', config, '--xunit-report', reports, '--xunit-format', 'gitlab', `${TESTS}/*.md`],
    { cwd: ROOT, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stdout.write(withoutMissingGrammars(r.stderr));

  const counted = new Map(files.map((f) => [f, 0]));
  let reportFiles = [];
  try { reportFiles = readdirSync(reports); } catch { /* nothing was reported */ }
  for (const name of reportFiles) {
    const xml = readFileSync(join(reports, name), 'utf8');
    for (const [, attrs, body] of xml.matchAll(/<testcase\b([^>]*)>([\s\S]*?)<\/testcase>/g)) {
      const file = attrs.match(/classname="([^"]*)"/)?.[1] ?? name;
      counted.set(file, (counted.get(file) ?? 0) + 1);
      if (/<(failure|error)\b/.test(body)) failed++;
      else passed++;
    }
  }
  // A file whose assertions never ran would otherwise pass by saying nothing.
  for (const [file, cases] of counted) if (cases === 0) fail(`${file}: no assertions ran`);
  if (r.status !== 0 && failed === 0) fail(`vscode-tmgrammar-test exited with ${r.status ?? r.signal}`);
}

/** Embedded languages Markdown names but the tests do not load (fenced code in JavaScript, …). */
function withoutMissingGrammars(text) {
  const missing = [...text.matchAll(/^grammar not found for "([^"]+)"\n?/gm)].map((m) => m[1]);
  const rest = text.replace(/^grammar not found for "[^"]+"\n?/gm, '');
  const names = [...new Set(missing)];
  return names.length ? `${rest}(${names.length} embedded grammars not loaded, such as ${names.slice(0, 3).join(', ')}: code blocks in those languages stay untokenized)\n` : rest;
}

/** Per character, the scopes that are not ours. */
function markdownScopes(grammar, lines) {
  let stack = null;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    const perChar = [];
    for (const t of r.tokens) {
      const scopes = t.scopes.filter((s) => !OURS.test(s)).join(' ');
      for (let i = t.startIndex; i < Math.max(t.endIndex, t.startIndex + 1); i++) perChar[i] = scopes;
    }
    return perChar;
  });
}

async function loadMarkdown(grammars) {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await createRegistry(grammars).loadGrammar('text.html.markdown');
  } finally {
    console.warn = warn;
  }
}

/** Compares each test file's Markdown scopes with and without the claim-link grammars. */
async function compareWithHost(host, files) {
  const plain = host.map((path) => ({ path, scopeName: '' }));
  const without = await loadMarkdown(plain);
  const withOurs = await loadMarkdown([...plain, ...CONTRIBUTED.map((g) => ({ ...g, path: join(ROOT, g.path) }))]);
  for (const file of files) {
    const { source } = parseGrammarTestCase(readFileSync(join(ROOT, file), 'utf8'));
    const a = markdownScopes(without, source);
    const b = markdownScopes(withOurs, source);
    const line = a.findIndex((chars, n) => chars.length !== b[n].length || chars.some((s, i) => s !== b[n][i]));
    if (line < 0) {
      passed++;
      console.log(`✓ ${file}: Markdown's own scopes unchanged`);
      continue;
    }
    const col = Math.max(0, a[line].findIndex((s, i) => s !== b[line][i]));
    fail(`${file}: Markdown's own scopes change at "${source[line]}", column ${col + 1}\n    without: ${a[line][col]}\n    with:    ${b[line][col]}`);
  }
}

/** package.json, once it contributes the grammars, must contribute them as tested. */
function checkPackageJson() {
  const contributed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes?.grammars ?? [];
  const ours = contributed.filter((g) => CONTRIBUTED.some((c) => c.scopeName === g.scopeName));
  if (ours.length === 0) {
    console.log(`note: package.json does not contribute the claim-link grammars yet; add under contributes.grammars:\n${JSON.stringify(CONTRIBUTED, null, 2)}`);
    return;
  }
  const norm = (g) => JSON.stringify({ scopeName: g.scopeName, path: `./${join('.', g.path)}`, injectTo: g.injectTo });
  const missing = CONTRIBUTED.filter((c) => !ours.some((g) => norm(g) === norm(c)));
  if (missing.length === 0) {
    passed++;
    console.log('✓ package.json contributes the grammars as tested');
  } else {
    fail(`package.json contributes the claim-link grammars differently from what is tested; expected:\n${JSON.stringify(CONTRIBUTED, null, 2)}`);
  }
}

async function main() {
  const { entry } = ensureHost();
  const host = hostGrammars(entry);
  const files = readdirSync(join(ROOT, TESTS)).filter((f) => f.endsWith('.md')).sort().map((f) => `${TESTS}/${f}`);
  if (files.length === 0) fail(`no test files in ${TESTS}/`);
  const work = mkdtempSync(join(tmpdir(), 'cruxmark-grammar-'));
  try {
    runAssertions(host, files, work);
    await compareWithHost(host, files);
    checkPackageJson();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  fail(err instanceof Error ? err.stack ?? err.message : String(err));
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
