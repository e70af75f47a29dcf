// Shows annotations in editors: each tag's colour on its passages, a gutter mark per kind, and
// overview-ruler marks. Built-in tags take theme colours, so themes can restyle them.
import * as vscode from 'vscode';
import type { TagDefinition } from '../core/codebook';
import { planDecorations } from '../core/decorate';
import { affectsCruxmark, settings, type Settings } from './config';
import { toVsRange } from './convert';
import type { Services } from './services';

/** Decorations follow edits by themselves; this only batches re-computation after bursts of changes. */
const DECORATION_DEBOUNCE_MS = 30;

/** Theme colour ids of the built-in tags (see `contributes.colors`). */
const THEME_COLORS: Readonly<Record<string, string>> = {
  'counting-argument': 'cruxmark.countingArgument',
  'simplicity-prior': 'cruxmark.simplicityPrior',
  'reward-as-update-strength': 'cruxmark.rewardAsUpdateStrength',
};

function color(tag: TagDefinition, part: 'Background' | 'Foreground'): string | vscode.ThemeColor {
  const theme = THEME_COLORS[tag.id];
  if (theme) return new vscode.ThemeColor(`${theme}${part}`);
  // Custom tags: the codebook's hex colour, translucent for backgrounds.
  const hex = tag.color.length === 4 ? `#${[...tag.color.slice(1)].map((c) => c + c).join('')}` : tag.color.slice(0, 7);
  return part === 'Background' ? `${hex}33` : hex;
}

export class Decorations implements vscode.Disposable {
  private tagTypes = new Map<string, vscode.TextEditorDecorationType>();
  private kindTypes = new Map<string, vscode.TextEditorDecorationType>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private config: Settings = settings();

  constructor(private readonly services: Services, private readonly media: vscode.Uri) {
    this.disposables.push(
      services.store.onDidChange(() => this.schedule()),
      services.codebook.onDidChange(() => this.rebuild()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsCruxmark(e, 'decorations')) this.rebuild();
      }),
    );
    this.rebuild();
  }

  private rebuild(): void {
    for (const t of [...this.tagTypes.values(), ...this.kindTypes.values()]) t.dispose();
    this.tagTypes.clear();
    this.kindTypes.clear();
    this.config = settings();
    for (const kind of ['passage', 'claim', 'crux'] as const) {
      if (this.config.gutter) {
        this.kindTypes.set(`gutter-${kind}`, vscode.window.createTextEditorDecorationType({
          gutterIconPath: vscode.Uri.joinPath(this.media, `gutter-${kind}.svg`),
          gutterIconSize: 'contain',
        }));
      }
    }
    this.kindTypes.set('claim', vscode.window.createTextEditorDecorationType({
      borderWidth: '0 0 1px 0', borderStyle: 'dotted', borderColor: new vscode.ThemeColor('cruxmark.claimBorder'),
    }));
    this.kindTypes.set('crux', vscode.window.createTextEditorDecorationType({
      borderWidth: '0 0 2px 0', borderStyle: 'solid', borderColor: new vscode.ThemeColor('cruxmark.cruxBorder'),
    }));
    this.update();
  }

  private tagType(tag: TagDefinition): vscode.TextEditorDecorationType {
    let type = this.tagTypes.get(tag.id);
    if (!type) {
      const fg = color(tag, 'Foreground');
      const options: vscode.DecorationRenderOptions = {
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        ...(this.config.overviewRuler ? { overviewRulerColor: fg, overviewRulerLane: vscode.OverviewRulerLane.Right } : {}),
      };
      if (this.config.highlight === 'background') options.backgroundColor = color(tag, 'Background');
      if (this.config.highlight === 'underline') Object.assign(options, { borderWidth: '0 0 2px 0', borderStyle: 'solid', borderColor: fg });
      type = vscode.window.createTextEditorDecorationType(options);
      this.tagTypes.set(tag.id, type);
    }
    return type;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, DECORATION_DEBOUNCE_MS);
  }

  /** Recomputes the decorations of every visible Markdown editor. */
  update(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.languageId !== 'markdown') continue;
      const essay = this.services.store.get(editor.document.uri);
      const plan = planDecorations(essay?.annotations.list() ?? []);
      const doc = editor.document;
      for (const [id, type] of this.tagTypes) if (!plan.byTag.has(id)) editor.setDecorations(type, []);
      for (const [id, marks] of plan.byTag) {
        const tag = this.services.codebook.tag(id);
        editor.setDecorations(this.tagType(tag), marks.map((m): vscode.DecorationOptions => (m.chip
          // A passage with several tags gets a chip per tag after it, so each stays visible.
          ? { range: toVsRange(doc, m.range), renderOptions: { after: { contentText: '\u25CF', color: color(tag, 'Foreground'), margin: '0 0 0 2px' } } }
          : { range: toVsRange(doc, m.range) })));
      }
      for (const [kind, starts] of plan.gutter) {
        const type = this.kindTypes.get(`gutter-${kind}`);
        // The gutter mark sits on the passage's first line only.
        if (type) editor.setDecorations(type, starts.map((s) => { const p = doc.positionAt(s); return new vscode.Range(p, p); }));
      }
      for (const [kind, ranges] of plan.byKind) editor.setDecorations(this.kindTypes.get(kind)!, ranges.map((r) => toVsRange(doc, r)));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const t of [...this.tagTypes.values(), ...this.kindTypes.values()]) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
