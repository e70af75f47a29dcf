import * as assert from 'assert';
import * as vscode from 'vscode';
suite('smoke', () => {
  test('extension is installed', async () => {
    const ext = vscode.extensions.getExtension('cruxmark.cruxmark');
    assert.ok(ext, 'not installed');
    console.log('ext path', ext.extensionPath, vscode.version);
  });
});
