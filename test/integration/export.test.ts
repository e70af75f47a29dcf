import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { closeAll, freshCopy, openEssay } from './helpers';

suite('export: tagged excerpts leave the editor', () => {
  teardown(closeAll);

  test('Export Tagged Excerpts with arguments writes the file, and the Markdown digest renders in the preview', async () => {
    const ws = freshCopy('argument.md', 'reply.md');
    await openEssay(ws.uri('reply.md'));
    await openEssay(ws.uri('argument.md'));
    const output = path.join(ws.dir, 'out', 'counting.md');
    const written = await vscode.commands.executeCommand<vscode.Uri>('cruxmark.exportExcerpts', {
      format: 'md', tags: ['counting-argument'], scope: 'workspace', output, open: false,
    });
    assert.strictEqual(written?.fsPath, output);
    const md = fs.readFileSync(output, 'utf8');
    assert.match(md, /> There are many more deceptive models than aligned ones\./);
    assert.match(md, /> Counting goals is not a prior/);
    assert.match(md, /Pope's main objection/);
    assert.ok(!md.includes('Networks trained with SGD'), 'a passage without the tag is not exported');
    // The link back points at the essay from where the digest was written.
    assert.match(md, /\(\.\.\/argument\.md#L3\)/);
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', md);
    assert.match(html, /<blockquote[\s>]/);
    assert.match(html, /There are many more deceptive models than aligned ones/);
  });

  test('CSV and HTML exports of one essay', async () => {
    const ws = freshCopy('argument.md');
    await openEssay(ws.uri('argument.md'));
    const csv = path.join(ws.dir, 'argument.csv');
    await vscode.commands.executeCommand('cruxmark.exportExcerpts', { format: 'csv', tags: [], scope: 'essay', output: csv, open: false });
    const rows = fs.readFileSync(csv, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    assert.strictEqual(rows[0], 'id,document,section,tag,kind,claim_title,start_line,end_line,start_offset,end_offset,text,note,relations,status');
    assert.strictEqual(rows.length, 3, rows.join('\n'));
    const html = path.join(ws.dir, 'argument.html');
    await vscode.commands.executeCommand('cruxmark.exportExcerpts', { format: 'html', tags: [], scope: 'essay', output: html, open: false });
    const page = fs.readFileSync(html, 'utf8');
    assert.match(page, /Content-Security-Policy/);
    assert.ok(!/<script/i.test(page));
  });
});
