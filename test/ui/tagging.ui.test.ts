import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { goToLine, openFile, runCommand, showCruxmark, useExampleWorkbench } from './workbench';

// The page's globals, for code run inside the browser (this project compiles without the DOM library).
interface PageElement { readonly tagName: string }
declare const document: { querySelectorAll(selector: string): Iterable<PageElement> };
declare function getComputedStyle(el: PageElement): { backgroundColor: string };

suite('UI: tagging in the workbench', function () {
  this.timeout(180_000);
  const workbench = useExampleWorkbench();

  test('a tag command from the palette decorates the paragraph and lists it in the Claims view', async () => {
    const wb = workbench();
    const { page } = wb;
    await openFile(page, 'replies/pope.md');
    // Line 7: "Reward tells the optimizer how much to strengthen the circuits…"
    await goToLine(page, 7);
    await runCommand(page, 'Cruxmark: Tag as Counting Argument');
    await showCruxmark(page);
    // The view follows the cursor: moving it within the passage reveals the passage's row.
    await page.locator('.monaco-editor .view-line', { hasText: 'Reward tells the optimizer' }).first().click();
    const row = page.locator('.pane-body .monaco-list-row', { hasText: 'Reward tells the optimizer' }).first();
    await row.waitFor({ timeout: 30_000 });
    const sidecar = path.join(wb.folder, 'replies/pope.md.cruxmark.json');
    type Written = { annotations: { tags: string[]; target: { quote: { exact: string } } }[] };
    const tagged = (): Written['annotations'][number] | undefined => (JSON.parse(fs.readFileSync(sidecar, 'utf8')) as Written).annotations
      .find((a) => a.target.quote.exact.startsWith('Reward tells the optimizer'));
    const deadline = Date.now() + 15_000;
    while (!tagged() && Date.now() < deadline) await page.waitForTimeout(100);
    assert.deepStrictEqual(tagged()?.tags, ['counting-argument']);
    assert.ok(tagged()!.target.quote.exact.endsWith('loses its footing.'), 'the whole paragraph under the cursor is tagged');
    // The passage is painted: some span of its line has the tag's translucent background.
    const painted = await page.evaluate(() => {
      const spans = [...document.querySelectorAll('.monaco-editor .view-overlays div, .monaco-editor .view-lines span')];
      return spans.some((s) => {
        const bg = getComputedStyle(s).backgroundColor;
        return /rgba\(217, 119, 6, 0\.1[0-9]*\)/.test(bg);
      });
    });
    assert.ok(painted, 'the tagged paragraph has the Counting argument background');
    const shot = path.join(wb.runDir, 'tagging.png');
    await page.screenshot({ path: shot });
  });
});
