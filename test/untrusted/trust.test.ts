import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, freshCopy, hoverTexts, openEssay, readSidecar, select, waitFor } from '../integration/helpers';

suite('untrusted workspace (Restricted Mode)', () => {
  teardown(closeAll);

  test('the workspace is untrusted, and Cruxmark still tags, writes and hovers', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the run opens the folder in Restricted Mode');
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    const sel = select(editor, 'many more deceptive models');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    const sidecar = await waitFor('the sidecar', () => readSidecar(ws.file('deceptive.md')));
    assert.deepStrictEqual(sidecar.annotations[0].tags, ['counting-argument']);
    const hover = await hoverTexts(ws.uri('deceptive.md'), sel.start.translate(0, 2));
    assert.match(hover.join('\n'), /Counting argument/);
  });
});
