import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, closeAll, codePoints, freshCopy, hoverTexts, openEssay, readSidecar, select, waitFor } from './helpers';

/** An in-memory file system, so that an essay can live outside the disk as in a virtual workspace. */
class MemFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  watch(): vscode.Disposable { return new vscode.Disposable(() => undefined); }
  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/' ) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const f = this.files.get(uri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: f.mtime, size: f.data.length };
  }
  readDirectory(): [string, vscode.FileType][] { return [...this.files.keys()].map((k) => [k.slice(1), vscode.FileType.File]); }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const f = this.files.get(uri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return f.data;
  }
  writeFile(uri: vscode.Uri, data: Uint8Array): void {
    this.files.set(uri.path, { data, mtime: Date.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }
  delete(uri: vscode.Uri): void {
    if (!this.files.delete(uri.path)) throw vscode.FileSystemError.FileNotFound(uri);
  }
  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): void {
    const f = this.files.get(from.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(from);
    if (this.files.has(to.path) && !options.overwrite) throw vscode.FileSystemError.FileExists(to);
    this.files.delete(from.path);
    this.files.set(to.path, f);
  }
  text(path: string): string | undefined {
    const f = this.files.get(path);
    return f ? new TextDecoder().decode(f.data) : undefined;
  }
}

suite('robustness: odd text, odd places', () => {
  teardown(closeAll);

  test('sidecars fold under their essays in the Explorer by default', () => {
    const nesting = vscode.workspace.getConfiguration('explorer.fileNesting');
    assert.strictEqual(nesting.get('enabled'), true);
    const patterns = nesting.get<Record<string, string>>('patterns') ?? {};
    assert.match(patterns['*.md'] ?? '', /\$\{capture\}\.md\.cruxmark\.json/);
  });

  test('emoji and other astral characters around a passage: positions count code points', async () => {
    const ws = freshCopy('deceptive.md');
    const file = ws.file('deceptive.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('The counting argument says', '🧠𝔸 The counting argument 🤖 says'));
    const editor = await openEssay(ws.uri('deceptive.md'));
    const passage = 'counting argument 🤖 says';
    select(editor, passage);
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    const a = (await waitFor('the sidecar', () => readSidecar(file)))!.annotations[0];
    const text = editor.document.getText();
    const start = codePoints(text.slice(0, text.indexOf(passage)));
    assert.deepStrictEqual(a.target.position, { start, end: start + codePoints(passage) });
    assert.strictEqual([...text].slice(start, start + codePoints(passage)).join(''), passage);
  });

  test('CRLF essays keep their line ends and their passages', async () => {
    const ws = freshCopy('deceptive.md');
    const file = ws.file('deceptive.md');
    fs.writeFileSync(file, '\ufeff' + fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    const editor = await openEssay(ws.uri('deceptive.md'));
    assert.strictEqual(editor.document.eol, vscode.EndOfLine.CRLF);
    const sel = select(editor, 'Among all the goals');
    editor.selection = new vscode.Selection(sel.start, sel.start);
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    const a = (await waitFor('the sidecar', () => readSidecar(file)))!.annotations[0];
    assert.ok(a.target.quote.exact.startsWith('Among all the goals'));
    assert.ok(!a.target.quote.exact.includes('\r'), 'the paragraph ends before its line end');
    const onDisk = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
    assert.strictEqual([...onDisk].slice(a.target.position.start, a.target.position.end).join(''), a.target.quote.exact);
  });

  test('hostile essays open, tag and hover without breaking the extension', async () => {
    const ws = freshCopy();
    const cases: [string, string][] = [
      ['long-line.md', `${'word '.repeat(1_000_000)}end`],
      ['deep-quotes.md', `${'> '.repeat(10_000)}deep\n\nAfter the quotes.\n`],
      ['deep-lists.md', `${'- '.repeat(10_000)}deep\n\nAfter the lists.\n`],
      ['empty.md', ''],
      ['rtl.md', 'مرحبا بالعالم. هذه حجة العد.\n\nשלום עולם.\n'],
    ];
    for (const [name, text] of cases) {
      fs.writeFileSync(`${ws.dir}/${name}`, text);
      const started = Date.now();
      const editor = await openEssay(ws.uri(name));
      if (text.length > 0) {
        const probe = text.includes('After') ? 'After' : text.slice(0, 5);
        select(editor, probe);
        await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
        await waitFor(`${name}: the sidecar`, () => readSidecar(ws.file(name))?.annotations.length === 1, 30_000);
        const hover = await hoverTexts(ws.uri(name), editor.selection.start.translate(0, 1));
        assert.ok(hover.join('\n').includes('Counting argument'), `${name}: hover`);
      }
      assert.ok(Date.now() - started < 30_000, `${name} took ${Date.now() - started} ms`);
      await closeAll();
    }
    // The extension is still alive and answering.
    assert.ok((await api()).claimsTree().length >= 0);
  });

  test('a binary file named .md does not break anything', async () => {
    const ws = freshCopy('deceptive.md');
    fs.writeFileSync(`${ws.dir}/binary.md`, Buffer.from([0, 1, 2, 255, 254, 0, 10, 0x89, 0x50, 0x4e, 0x47]));
    // VS Code itself refuses to open it as text, so it never reaches Cruxmark's editor surfaces.
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(ws.uri('binary.md'))), /binary/);
    // A sidecar beside it is still read when the file changes, and nothing breaks.
    fs.writeFileSync(`${ws.dir}/binary.md.cruxmark.json`, JSON.stringify({ version: 1, document: 'binary.md', annotations: [] }));
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'The counting argument says');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    await waitFor('the other essay to be tagged', () => readSidecar(ws.file('deceptive.md'))?.annotations.length === 1);
  });

  test('an essay in a virtual file system reads and writes its sidecar through VS Code', async () => {
    const memfs = new MemFs();
    const registration = vscode.workspace.registerFileSystemProvider('cruxmark-mem', memfs, { isCaseSensitive: true });
    try {
      const essay = vscode.Uri.parse('cruxmark-mem:/essay.md');
      await vscode.workspace.fs.writeFile(essay, new TextEncoder().encode(fs.readFileSync(`${process.env.CRUXMARK_TEST_FIXTURES}/essays/deceptive.md`, 'utf8')));
      const doc = await vscode.workspace.openTextDocument(essay);
      assert.strictEqual(doc.languageId, 'markdown');
      const editor = await vscode.window.showTextDocument(doc);
      await waitFor('the essay to be loaded', async () => (await api()).annotations(essay) !== undefined);
      select(editor, 'thin sliver of goals');
      await vscode.commands.executeCommand('cruxmark.tagSimplicityPrior');
      const written = await waitFor('the sidecar in the virtual file system', () => memfs.text('/essay.md.cruxmark.json'));
      const sidecar = JSON.parse(written);
      assert.strictEqual(sidecar.annotations[0].target.quote.exact, 'thin sliver of goals');
    } finally {
      registration.dispose();
    }
  });

  test('deleting an essay keeps its sidecar', async () => {
    const ws = freshCopy('deceptive.md');
    const editor = await openEssay(ws.uri('deceptive.md'));
    select(editor, 'The counting argument says');
    await vscode.commands.executeCommand('cruxmark.tagCountingArgument');
    await waitFor('the sidecar', () => readSidecar(ws.file('deceptive.md')));
    await closeAll();
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(ws.uri('deceptive.md'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the essay to be gone', () => !fs.existsSync(ws.file('deceptive.md')));
    assert.ok(readSidecar(ws.file('deceptive.md')), 'the sidecar stays');
    await waitFor('the essay to leave the Claims view', async () => !JSON.stringify((await api()).claimsTree()).includes(`${ws.dir.split('/').pop()}/deceptive.md`));
  });
});
