import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, closeAll, codePoints, EXTENSION_ID, freshCopy, hoverTexts, openEssay, readSidecar, select, waitFor } from './helpers';

suite('tagging: the vertical slice', () => {
  teardown(closeAll);

  test('the extension under test is the one installed from the .vsix, with every file it needs', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    console.log(`    VS Code ${vscode.version}, extension at ${ext.extensionPath}`);
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'src')), 'the development folder was loaded instead of the package');
    const files = ['dist/extension.js', 'dist/cli.js', 'schemas/sidecar.schema.json', 'media/gutter-claim.svg', 'media/cruxmark.svg',
      'syntaxes/claim-link.tmLanguage.json', 'syntaxes/claim-link-definition.tmLanguage.json'];
    for (const file of files) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, file)), `${file} is missing from the package`);
    }
    // vsce stores the README in lower case.
    assert.ok(fs.readdirSync(ext.extensionPath).some((f) => f.toLowerCase() === 'readme.md'), 'the README is missing from the package');
    // Everything the manifest points at must ship.
    const manifest = ext.packageJSON as { contributes: { jsonValidation: { url: string }[]; grammars: { path: string }[]; viewsContainers: { activitybar: { icon: string }[] } } };
    for (const p of [...manifest.contributes.jsonValidation.map((j) => j.url), ...manifest.contributes.grammars.map((g) => g.path), ...manifest.contributes.viewsContainers.activitybar.map((c) => c.icon)]) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, p)), `${p}, named in package.json, is missing from the package`);
    }
    await api();
    assert.ok(ext.isActive);
  });

  for (const [command, tag] of [
    ['cruxmark.tagCountingArgument', 'counting-argument'],
    ['cruxmark.tagSimplicityPrior', 'simplicity-prior'],
    ['cruxmark.tagRewardAsUpdateStrength', 'reward-as-update-strength'],
  ] as const) {
    test(`${command} writes the passage to the sidecar`, async () => {
      const ws = freshCopy('deceptive.md');
      const editor = await openEssay(ws.uri('deceptive.md'));
      const passage = 'there are many more deceptive models than aligned ones';
      select(editor, passage);
      await vscode.commands.executeCommand(command);
      const sidecar = await waitFor('the sidecar to be written', () => readSidecar(ws.file('deceptive.md')));
      assert.strictEqual(sidecar.version, 1);
      assert.strictEqual(sidecar.document, 'deceptive.md');
      assert.strictEqual(sidecar.annotations.length, 1);
      const a = sidecar.annotations[0];
      assert.strictEqual(a.kind, 'passage');
      assert.deepStrictEqual(a.tags, [tag]);
      assert.strictEqual(a.target.quote.exact, passage);
      const text = editor.document.getText();
      const start = codePoints(text.slice(0, text.indexOf(passage)));
      assert.deepStrictEqual(a.target.position, { start, end: start + codePoints(passage) });
      assert.ok(a.target.quote.prefix.endsWith('says that '), `prefix: ${a.target.quote.prefix}`);
      assert.ok(a.target.quote.suffix.startsWith(', so training'), `suffix: ${a.target.quote.suffix}`);
      assert.ok(!Number.isNaN(Date.parse(a.created)));
    });
  }

  test('hovering the tagged passage shows the tag and its definition', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    const sel = select(editor, 'many more deceptive models');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    const hovers = await hoverTexts(ws.uri('deceptive.md'), sel.start.translate(0, 3));
    const text = hovers.join('\n');
    assert.match(text, /Counting argument/);
    assert.match(text, /configurations/, 'the definition is shown');
    const outside = await hoverTexts(ws.uri('deceptive.md'), new vscode.Position(0, 2));
    assert.ok(!outside.join('\n').includes('Counting argument'), 'no card away from the passage');
  });

  test('running the same tag command again removes the tag (toggle)', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'Only a thin sliver of goals are the ones we wanted.');
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    await waitFor('the passage to be written', () => readSidecar(ws.file('deceptive.md'))?.annotations.length === 1);
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    await waitFor('the passage to be removed', () => readSidecar(ws.file('deceptive.md'))?.annotations.length === 0);
  });

  test('an empty selection tags the paragraph under the cursor', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    const sel = select(editor, 'simpler than an aligned one');
    editor.selection = new vscode.Selection(sel.start, sel.start);
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    const sidecar = await waitFor('the sidecar', () => readSidecar(ws.file('deceptive.md')));
    assert.strictEqual(sidecar.annotations[0].target.quote.exact,
      'A simplicity prior favours short descriptions, and a deceptive model may be simpler than an aligned one because its goal can be anything.');
  });

  test('the Claims view lists the sections and the tagged passage under its section', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'a deceptive model may be simpler');
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    const cruxmark = await api();
    const tree = await waitFor('the tree', () => {
      const essays = cruxmark.claimsTree();
      const essay = essays.find((e) => e.label.endsWith('deceptive.md') && e.label.includes(path.basename(ws.dir)));
      return essay && JSON.stringify(essay).includes('a deceptive model may be simpler') ? essay : undefined;
    });
    const top = tree.children[0];
    assert.strictEqual(top.label, 'Deceptive alignment and the counting argument');
    assert.deepStrictEqual(top.children.map((c) => c.label), ['The argument', 'Simplicity', 'Reward']);
    const simplicity = top.children[1];
    assert.deepStrictEqual(simplicity.children.map((c) => [c.type, c.label]), [['annotation', 'a deceptive model may be simpler']]);
  });
});
