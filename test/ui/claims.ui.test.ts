import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { showCruxmark, ROOT, useExampleWorkbench } from './workbench';

suite('UI: the Claims view on the example workspace', function () {
  this.timeout(180_000);
  const workbench = useExampleWorkbench();

  test('shows sections, claims and a crux; clicking one reveals it in the editor', async () => {
    const wb = workbench();
    const { page } = wb;
    await showCruxmark(page);
    const tree = page.locator('.pane-body').first();
    for (const label of ['essays/deceptive-alignment.md', 'The counting argument', 'Why the prior matters', 'Deceptive models outnumber aligned ones', 'Parallel depth bias']) {
      await tree.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 30_000 });
    }
    // The crux carries its own icon, distinct from claims.
    const crux = tree.locator('.monaco-list-row', { hasText: 'Parallel depth bias' }).first();
    assert.ok(await crux.locator('.codicon-debug-breakpoint-data').count() > 0, 'the crux has the crux icon');
    const claim = tree.locator('.monaco-list-row', { hasText: 'Deception is simpler' }).first();
    assert.ok(await claim.locator('.codicon-circle-large-outline').count() > 0, 'a claim has the claim icon');
    await crux.click();
    await page.locator('.tab.active', { hasText: 'deceptive-alignment.md' }).waitFor({ timeout: 20_000 });
    // The passage is selected: the status bar shows the cursor at its end and its length.
    const essay = fs.readFileSync(path.join(ROOT, 'examples/essays/deceptive-alignment.md'), 'utf8');
    const passage = 'Networks trained with SGD seem to prefer solutions that are shallow in depth, and parallel depth is exactly what long chains of deceptive reasoning consume.';
    const end = essay.indexOf(passage) + passage.length;
    const line = essay.slice(0, end).split('\n').length;
    const column = end - essay.lastIndexOf('\n', end - 1);
    const expected = `Ln ${line}, Col ${column} (${passage.length} selected)`;
    await page.locator('.statusbar-item', { hasText: expected }).waitFor({ timeout: 20_000 });
    const shot = path.join(wb.runDir, 'claims.png');
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_SCREENSHOTS) fs.copyFileSync(shot, path.join(ROOT, 'docs/screenshot.png'));
  });
});
