import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, closeAll, codePoints, freshCopy, openEssay, readSidecar, select, waitFor } from './helpers';

/** The text of each annotation as Cruxmark currently places it. */
async function placed(uri: vscode.Uri): Promise<Map<string, string | undefined>> {
  const cruxmark = await api();
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  return new Map((cruxmark.annotations(uri) ?? []).map((a) => [a.data.id, a.range ? text.slice(a.range.start, a.range.end) : undefined]));
}

async function edit(editor: vscode.TextEditor, f: (b: vscode.TextEditorEdit) => void): Promise<void> {
  assert.ok(await editor.edit(f), 'the edit was applied');
}

suite('writing: annotations follow every edit, and the sidecar follows the essay', () => {
  teardown(closeAll);

  test('typing before, inside and after a passage moves it; saving writes its new quote and position', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'almost all would lead it to play along');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    await waitFor('the first write', () => readSidecar(ws.file('deceptive.md'))?.annotations.length === 1);
    const doc = editor.document;
    const at = (s: string) => doc.positionAt(doc.getText().indexOf(s));
    await edit(editor, (b) => b.insert(at('Among all the goals'), 'Before. '));
    await edit(editor, (b) => b.insert(at('lead it to play'), 'very likely '));
    await edit(editor, (b) => b.insert(at('during training. Only'), 'quietly '));
    assert.ok(doc.isDirty);
    const expected = 'almost all would very likely lead it to play along';
    assert.deepStrictEqual([...(await placed(doc.uri)).values()], [expected]);
    // Nothing is written while the essay has unsaved edits: the sidecar describes the essay as saved.
    assert.strictEqual(readSidecar(ws.file('deceptive.md'))!.annotations[0].target.quote.exact, 'almost all would lead it to play along');
    await doc.save();
    const sidecar = await waitFor('the sidecar to follow the save', () => {
      const s = readSidecar(ws.file('deceptive.md'));
      return s?.annotations[0].target.quote.exact === expected ? s : undefined;
    });
    const saved = fs.readFileSync(ws.file('deceptive.md'), 'utf8');
    const start = codePoints(saved.slice(0, saved.indexOf(expected)));
    assert.deepStrictEqual(sidecar.annotations[0].target.position, { start, end: start + codePoints(expected) });
    assert.match(sidecar.annotations[0].target.quote.suffix, /^ quietly during training/);
  });

  test('deleting the whole passage detaches it; undo brings it back attached', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    const passage = 'Only a thin sliver of goals are the ones we wanted.';
    select(editor, passage);
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    const cruxmark = await api();
    const [a] = cruxmark.annotations(editor.document.uri)!;
    const sel = select(editor, passage);
    await edit(editor, (b) => b.delete(sel));
    assert.strictEqual(cruxmark.annotations(editor.document.uri)![0].range, undefined, 'detached after deleting its text');
    await vscode.commands.executeCommand('undo');
    await waitFor('the passage to come back', () => editor.document.getText().includes(passage));
    const back = cruxmark.annotations(editor.document.uri)!.find((x) => x.data.id === a.data.id)!;
    assert.ok(back.range, 'attached again after undo');
    assert.strictEqual(editor.document.getText().slice(back.range.start, back.range.end), passage);
    await vscode.commands.executeCommand('redo');
    assert.strictEqual(cruxmark.annotations(editor.document.uri)![0].range, undefined, 'redo detaches it again');
  });

  test('multi-cursor edits and a replace across the file keep every passage on its text', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    for (const [text, command] of [
      ['many more deceptive models than aligned ones', 'cruxmark.tagCountingArgument'],
      ['a deceptive model may be simpler', 'cruxmark.tagSimplicityPrior'],
      ['how strongly an update reinforces', 'cruxmark.tagRewardAsUpdateStrength'],
    ]) {
      select(editor, text);
      await vscode.commands.executeCommand(command);
    }
    const doc = editor.document;
    // One edit with several ranges, as multi-cursor typing and Replace All produce.
    const text = doc.getText();
    const ranges: vscode.Range[] = [];
    for (let i = text.indexOf('model'); i >= 0; i = text.indexOf('model', i + 1)) ranges.push(new vscode.Range(doc.positionAt(i), doc.positionAt(i + 5)));
    assert.ok(ranges.length >= 3);
    await edit(editor, (b) => ranges.forEach((r) => b.replace(r, 'network')));
    await edit(editor, (b) => b.insert(new vscode.Position(0, 0), '<!-- draft -->\n'));
    const now = await placed(doc.uri);
    assert.deepStrictEqual([...now.values()].sort(), [
      'a deceptive network may be simpler', 'how strongly an update reinforces', 'many more deceptive networks than aligned ones',
    ]);
  });

  test('replacing the essay on disk, as a git checkout does, re-anchors the annotations', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'A simplicity prior favours short descriptions');
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    select(editor, 'Reward is not the optimization target');
    await vscode.commands.executeCommand('cruxmark.tagRewardAsUpdateStrength');
    await waitFor('both passages on disk', () => readSidecar(ws.file('deceptive.md'))?.annotations.length === 2);
    const original = fs.readFileSync(ws.file('deceptive.md'), 'utf8');
    // Another branch: sections reordered, a paragraph rewritten, lines reflowed.
    const [head, ...sections] = original.split('\n## ');
    const checkout = [head, sections[2], sections[0], sections[1].replace('A simplicity prior favours short descriptions,', 'A simplicity prior favours short\ndescriptions,')].join('\n## ')
      .replace('Reward is not the optimization target', 'Reward is not the optimisation target');
    fs.writeFileSync(ws.file('deceptive.md'), checkout);
    const cruxmark = await api();
    await waitFor('VS Code to reload the essay', () => editor.document.getText() === checkout, 15_000);
    const now = await waitFor('the annotations to re-anchor', async () => {
      const p = await placed(editor.document.uri);
      return [...p.values()].every((v) => v !== undefined) ? p : undefined;
    });
    assert.deepStrictEqual([...now.values()].sort(), ['A simplicity prior favours short\ndescriptions', 'Reward is not the optimisation target']);
    assert.ok(cruxmark.annotations(editor.document.uri)!.every((a) => a.status !== 'detached'));
  });

  test('a broken sidecar written from outside is never overwritten, and the user is told', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'The counting argument says');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    await waitFor('the first write', () => readSidecar(ws.file('deceptive.md')));
    const broken = '{\n  "version": 1,\n  "document": "deceptive.md",\n  "annotations": [ oops ]\n}\n';
    const sidecarFile = `${ws.file('deceptive.md')}.cruxmark.json`;
    fs.writeFileSync(sidecarFile, broken);
    const sidecarUri = vscode.Uri.file(sidecarFile);
    const problems = await waitFor('a diagnostic on the sidecar', () => {
      const d = vscode.languages.getDiagnostics(sidecarUri).filter((x) => x.source === 'cruxmark');
      return d.length > 0 ? d : undefined;
    });
    assert.strictEqual(problems[0].range.start.line, 3, 'the diagnostic points at the broken line');
    assert.match(problems[0].message, /will not overwrite/);
    // Keep annotating and save: the broken file stays byte for byte, the new annotation stays in memory.
    select(editor, 'Only a thin sliver of goals');
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    await edit(editor, (b) => b.insert(new vscode.Position(0, 0), 'x'));
    await editor.document.save();
    await (await api()).settled();
    assert.strictEqual(fs.readFileSync(sidecarFile, 'utf8'), broken);
    assert.strictEqual((await api()).annotations(editor.document.uri)!.length, 2);
    // Fixing the file merges it with what was kept in memory.
    fs.writeFileSync(sidecarFile, '{ "version": 1, "document": "deceptive.md", "annotations": [] }\n');
    const healed = await waitFor('the kept annotations to be written into the fixed file', () => {
      const s = readSidecar(ws.file('deceptive.md'));
      return s && s.annotations.length === 2 ? s : undefined;
    });
    assert.deepStrictEqual(healed.annotations.map((a) => a.tags[0]).sort(), ['counting-argument', 'simplicity-prior']);
  });

  test('a sidecar changed outside while the essay has unsaved edits: both sides survive', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'The counting argument says');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    const first = await waitFor('the first write', () => readSidecar(ws.file('deceptive.md')));
    // Unsaved edit, then a new annotation here.
    await edit(editor, (b) => b.insert(new vscode.Position(2, 0), 'Draft note. '));
    select(editor, 'Only a thin sliver of goals');
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    // Meanwhile another tool adds an annotation to the file.
    const saved = fs.readFileSync(ws.file('deceptive.md'), 'utf8');
    const exact = 'Reward is not the optimization target';
    const start = codePoints(saved.slice(0, saved.indexOf(exact)));
    const theirs = { ...first, annotations: [...first.annotations, {
      id: 'p-fromoutside', kind: 'passage', tags: ['reward-as-update-strength'],
      target: { quote: { exact, prefix: '', suffix: ': it is how' }, position: { start, end: start + codePoints(exact) } },
      created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z',
    }] };
    fs.writeFileSync(`${ws.file('deceptive.md')}.cruxmark.json`, JSON.stringify(theirs, null, 2) + '\n');
    const cruxmark = await api();
    await waitFor('the outside annotation to be merged in', () => cruxmark.annotations(editor.document.uri)!.some((a) => a.data.id === 'p-fromoutside'));
    await editor.document.save();
    const merged = await waitFor('the save to write both sides', () => {
      const s = readSidecar(ws.file('deceptive.md'));
      return s && s.annotations.length === 3 ? s : undefined;
    });
    assert.deepStrictEqual(merged.annotations.map((a) => a.tags[0]).sort(), ['counting-argument', 'reward-as-update-strength', 'simplicity-prior']);
    const text = editor.document.getText();
    for (const a of merged.annotations) {
      const cp = [...text];
      assert.strictEqual(cp.slice(a.target.position.start, a.target.position.end).join(''), a.target.quote.exact);
    }
  });

  test('renaming the essay in VS Code moves its sidecar along', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'The counting argument says');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    await waitFor('the first write', () => readSidecar(ws.file('deceptive.md')));
    const rename = new vscode.WorkspaceEdit();
    rename.renameFile(ws.uri('deceptive.md'), ws.uri('renamed.md'));
    assert.ok(await vscode.workspace.applyEdit(rename));
    const moved = await waitFor('the sidecar to move', () => readSidecar(ws.file('renamed.md')));
    assert.ok(!fs.existsSync(`${ws.file('deceptive.md')}.cruxmark.json`), 'no sidecar left at the old name');
    await waitFor('the document field to follow', () => readSidecar(ws.file('renamed.md'))?.document === 'renamed.md');
    assert.strictEqual(moved.annotations.length, 1);
  });

  test('Tag Passage takes several tags as arguments, and Remove Tag removes one', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'Inner misalignment is the default');
    await vscode.commands.executeCommand('cruxmark.tagPassage', { tags: ['counting-argument', 'simplicity-prior'] });
    const both = await waitFor('two tags', () => readSidecar(ws.file('deceptive.md'))?.annotations[0]?.tags.length === 2 && readSidecar(ws.file('deceptive.md')));
    await vscode.commands.executeCommand('cruxmark.removeTag', { uri: ws.uri('deceptive.md').toString(), annotation: both.annotations[0].id, tag: 'counting-argument' });
    await waitFor('one tag left', () => JSON.stringify(readSidecar(ws.file('deceptive.md'))?.annotations[0]?.tags) === '["simplicity-prior"]');
  });

  test('a detached annotation is listed, diagnosed, and re-attached to the selection', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    const passage = 'Only a thin sliver of goals are the ones we wanted.';
    select(editor, passage);
    await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
    const sel = select(editor, passage);
    await edit(editor, (b) => b.replace(sel, 'A completely different sentence now stands here.'));
    const diag = await waitFor('a detached diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.code === 'detached-annotation'));
    assert.match(diag.message, /Detached annotation/);
    const cruxmark = await api();
    await waitFor('the Detached group', () => JSON.stringify(cruxmark.claimsTree()).includes('"Detached"'));
    select(editor, 'A completely different sentence');
    await vscode.commands.executeCommand('cruxmark.reattach');
    const a = cruxmark.annotations(editor.document.uri)![0];
    assert.ok(a.range);
    assert.strictEqual(editor.document.getText().slice(a.range.start, a.range.end), 'A completely different sentence');
  });
});
