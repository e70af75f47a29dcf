import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, closeAll, freshCopy, hoverMarkdown, openEssay, readSidecar, select, waitFor } from './helpers';

function positionOf(doc: vscode.TextDocument, text: string, delta = 0): vscode.Position {
  const at = doc.getText().indexOf(text);
  assert.ok(at >= 0, `"${text}" is not in ${doc.fileName}`);
  return doc.positionAt(at + delta);
}

/** Opens both fixture essays, so both are known before the test asks across them. */
async function openPair(): Promise<{ ws: ReturnType<typeof freshCopy>; argument: vscode.TextEditor }> {
  const ws = freshCopy('argument.md', 'reply.md');
  await openEssay(ws.uri('reply.md'));
  const argument = await openEssay(ws.uri('argument.md'));
  return { ws, argument };
}

suite('claims: marking, linking and navigating', () => {
  teardown(closeAll);

  test('Mark as Claim and Mark as Crux give workspace-unique slug ids', async () => {
    const { ws, argument } = await openPair();
    select(argument, 'Training picks among them at random');
    await vscode.commands.executeCommand('cruxmark.markClaim', { title: 'Parallel depth bias' });
    select(argument, 'Deception costs extra serial computation');
    await vscode.commands.executeCommand('cruxmark.markCrux', { title: 'Deception costs depth' });
    const sidecar = await waitFor('the claims on disk', () => {
      const s = readSidecar(ws.file('argument.md'));
      return s && s.annotations.length === 4 ? s : undefined;
    });
    const byTitle = new Map(sidecar.annotations.map((a) => [a.title, a]));
    // "parallel-depth-bias" is taken, so the new claim gets the next free id.
    assert.strictEqual(byTitle.get('Parallel depth bias')?.id, 'parallel-depth-bias');
    assert.strictEqual(sidecar.annotations.filter((a) => a.title === 'Parallel depth bias').map((a) => a.id).sort().join(), 'parallel-depth-bias,parallel-depth-bias-2');
    assert.strictEqual(byTitle.get('Deception costs depth')?.kind, 'crux');
    assert.strictEqual(byTitle.get('Deception costs depth')?.id, 'deception-costs-depth');
  });

  test('Link Claim adds a typed relation across essays', async () => {
    const { ws, argument } = await openPair();
    select(argument, 'There are many more deceptive models');
    await vscode.commands.executeCommand('cruxmark.linkClaim', { target: 'reply.md#sgd-favours-deception', relation: 'responds-to' });
    await waitFor('the relation on disk', () => readSidecar(ws.file('argument.md'))?.annotations
      .find((a) => a.id === 'deceptive-models-outnumber-aligned-ones')?.links?.some((l) => l.relation === 'responds-to' && l.target === 'reply.md#sgd-favours-deception'));
  });

  test('Go to Definition on a claim link lands on the claim, in the same essay and across essays', async () => {
    const { ws, argument } = await openPair();
    const doc = argument.document;
    const same = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, '#parallel-depth-bias', 3));
    const sameTarget = same.map((l) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetRange } : l)).find((l) => l.uri.toString() === doc.uri.toString());
    assert.ok(sameTarget, 'a definition in the same essay');
    assert.strictEqual(doc.getText(sameTarget.range), 'Networks trained with SGD prefer shallow, parallel solutions.');
    const across = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'reply.md#sgd', 12));
    const target = across.map((l) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetRange } : l)).find((l) => l.uri.toString() === ws.uri('reply.md').toString());
    assert.ok(target, 'a definition in the other essay');
    const reply = await vscode.workspace.openTextDocument(ws.uri('reply.md'));
    assert.strictEqual(reply.getText(target.range), "Whether SGD's inductive bias favours the computations that deception needs is the real question.");
  });

  test('Find All References lists every link and relation that points at a claim', async () => {
    const { ws, argument } = await openPair();
    const doc = argument.document;
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, 'Networks trained with SGD', 3));
    const described = refs.map((r) => `${r.uri.path.split('/').pop()}:${r.range.start.line}`).sort();
    // The link in argument.md, the link in reply.md, and the crux in reply.md that opposes it.
    assert.ok(described.includes('argument.md:8'), `link in the same essay: ${described}`);
    assert.ok(described.includes('reply.md:8'), `text link in the reply: ${described}`);
    assert.ok(described.includes('reply.md:6'), `the opposing crux's relation: ${described}`);
    const reply = await vscode.workspace.openTextDocument(ws.uri('reply.md'));
    const linkRef = refs.find((r) => r.uri.path.endsWith('reply.md') && r.range.start.line === 8)!;
    assert.strictEqual(reply.getText(linkRef.range), 'parallel-depth-bias');
  });

  test('the Outline shows claims under their headings, and Go to Symbol in Workspace finds claims by title', async () => {
    const { argument } = await openPair();
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', argument.document.uri);
    const flat = (s: vscode.DocumentSymbol[], path: string[] = []): string[] => s.flatMap((x) => [[...path, x.name].join(' > '), ...flat(x.children ?? [], [...path, x.name])]);
    const names = flat(symbols);
    assert.ok(names.includes('The counting argument > Depth > Parallel depth bias'), names.join('\n'));
    assert.ok(names.includes('The counting argument > Deceptive models outnumber aligned ones'), names.join('\n'));
    const found = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'SGD favours');
    assert.ok(found.some((s) => s.name === 'SGD favours deception' && s.location.uri.path.endsWith('reply.md')), found.map((s) => s.name).join(', '));
  });

  test('a broken claim link is diagnosed, with a quick fix that offers the nearest claim', async () => {
    const { argument } = await openPair();
    const edited = await argument.edit((b) => b.replace(new vscode.Range(positionOf(argument.document, '#no-such-claim', 1), positionOf(argument.document, '#no-such-claim', 14)), 'parallel-dept-bias'));
    assert.ok(edited);
    const diag = await waitFor('a broken-link diagnostic on the edited link', () => vscode.languages.getDiagnostics(argument.document.uri)
      .find((d) => d.code === 'broken-claim-link' && d.message.includes('parallel-dept-bias')));
    assert.match(diag.message, /Did you mean #parallel-depth-bias/);
    assert.ok(!vscode.languages.getDiagnostics(argument.document.uri).some((d) => d.code === 'broken-claim-link' && argument.document.getText(d.range).includes('#depth')), 'a heading fragment is not broken');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', argument.document.uri, diag.range);
    const fix = actions.find((a) => a.title === 'Change link to #parallel-depth-bias');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(argument.document.getText().includes('[this one](#parallel-depth-bias) is broken'));
  });

  test('the hover shows the crux card with its links, and a note cannot smuggle in a trusted command', async () => {
    const { ws } = await openPair();
    const reply = await openEssay(ws.uri('reply.md'));
    const doc = reply.document;
    await vscode.commands.executeCommand('cruxmark.editNote', {
      uri: doc.uri.toString(), annotation: 'sgd-favours-deception',
      note: 'Click [x](command:workbench.action.terminal.new) or <img src=x onerror=alert(1)> $(alert)',
    });
    const cards = await hoverMarkdown(doc.uri, positionOf(doc, 'inductive bias favours', 2));
    const card = cards.find((c) => c.value.includes('SGD favours deception'));
    assert.ok(card, cards.map((c) => c.value).join('\n---\n'));
    assert.match(card.value, /Crux/);
    assert.match(card.value, /opposes/);
    assert.match(card.value, /Parallel depth bias/);
    assert.ok(!card.value.includes('](command:workbench'), 'the note did not become a link');
    assert.ok(!/(^|[^\\])<img/.test(card.value), 'the note did not become HTML');
    assert.ok(!/(^|[^\\])\$\(alert\)/.test(card.value), 'the note did not become an icon');
    const trusted = card.isTrusted;
    assert.ok(typeof trusted === 'object' && trusted.enabledCommands.every((c) => c.startsWith('cruxmark.')), 'only Cruxmark commands are trusted');
    const links = [...card.value.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.ok(links.length > 0 && links.every((c) => c.startsWith('cruxmark.')), links.join(', '));
    // Over a claim link, the card of the claim it names.
    const argument = await vscode.workspace.openTextDocument(ws.uri('argument.md'));
    const linkCards = await hoverMarkdown(argument.uri, positionOf(argument, 'the depth section', 3));
    assert.ok(linkCards.some((c) => c.value.includes('Parallel depth bias')), linkCards.map((c) => c.value).join('\n'));
  });

  test('renaming a claim id updates the links in both essays and the relations in the sidecars', async () => {
    const { ws, argument } = await openPair();
    const doc = argument.document;
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, '#parallel-depth-bias', 3), 'depth-prior');
    assert.ok(edit);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.workspace.saveAll(false);
    const reply = await vscode.workspace.openTextDocument(ws.uri('reply.md'));
    assert.ok(doc.getText().includes('(#depth-prior)'), 'the link in the same essay');
    assert.ok(reply.getText().includes('(argument.md#depth-prior)'), 'the link in the other essay');
    await waitFor('the claim renamed in its sidecar', () => readSidecar(ws.file('argument.md'))?.annotations.some((a) => a.id === 'depth-prior'));
    await waitFor('the relation renamed in the other sidecar', () => readSidecar(ws.file('reply.md'))?.annotations.find((a) => a.id === 'sgd-favours-deception')?.links?.[0].target === 'argument.md#depth-prior');
    const cruxmark = await api();
    await waitFor('the claim renamed in memory', () => cruxmark.annotations(doc.uri)?.some((a) => a.data.id === 'depth-prior'));
  });

  test('the Claims view shows claims and cruxes with their passages and links', async () => {
    await openPair();
    const cruxmark = await api();
    const tree = await waitFor('the tree', () => {
      const t = JSON.stringify(cruxmark.claimsTree());
      return t.includes('SGD favours deception') && t.includes('Parallel depth bias') ? cruxmark.claimsTree() : undefined;
    });
    const reply = tree.find((e) => e.label.endsWith('reply.md'))!;
    const crux = JSON.stringify(reply);
    assert.match(crux, /"label":"opposes Parallel depth bias"/);
  });
});

suite('views: filter, counts', () => {
  teardown(closeAll);

  test('the Claims view filters by tag, and the Tags view counts passages across essays', async () => {
    const ws = freshCopy('argument.md', 'reply.md');
    await openEssay(ws.uri('reply.md'));
    await openEssay(ws.uri('argument.md'));
    const cruxmark = await api();
    const dir = ws.dir.split('/').pop()!;
    const mine = (t: ReturnType<typeof cruxmark.claimsTree>) => t.filter((e) => e.label.startsWith(`${dir}/`));
    await waitFor('both essays in the tree', () => mine(cruxmark.claimsTree()).length === 2);
    await vscode.commands.executeCommand('cruxmark.filterClaimsByTag', { tags: ['simplicity-prior'] });
    try {
      const filtered = mine(cruxmark.claimsTree());
      assert.ok(JSON.stringify(filtered).includes('Parallel depth bias'), JSON.stringify(filtered));
      assert.ok(!JSON.stringify(filtered).includes('Deceptive models outnumber'), 'a claim without the tag is hidden');
      assert.deepStrictEqual(filtered.map((e) => e.label), [`${dir}/argument.md`], 'an essay without the tag is hidden');
    } finally {
      await vscode.commands.executeCommand('cruxmark.clearClaimsFilter');
    }
    assert.ok(JSON.stringify(mine(cruxmark.claimsTree())).includes('Deceptive models outnumber'));
    const tags = await waitFor('the Tags view', () => {
      const t = cruxmark.tagsTree();
      const counting = t.find((x) => x.label.startsWith('Counting argument'));
      return counting && counting.children.filter((c) => c.includes('Counting goals') || c.includes('Deceptive models')).length >= 2 ? t : undefined;
    });
    const counting = tags.find((x) => x.label.startsWith('Counting argument'))!;
    assert.match(counting.label, /^Counting argument \(\d+\)$/);
    assert.strictEqual(Number(/\((\d+)\)/.exec(counting.label)![1]), counting.children.length);
  });
});
