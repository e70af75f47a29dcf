// The crux hover: a card for each annotation under the mouse, and for the claim a link names.
import * as vscode from 'vscode';
import { buildCard, CARD_COMMANDS, type CardLink, type CardModel } from '../core/card';
import type { LiveAnnotation } from '../core/essay';
import { settings } from './config';
import { toVsRange } from './convert';
import type { Essay } from './essays';
import type { Services } from './services';

/** A trusted card: HTML only for the tag chips, and only Cruxmark's own commands. */
export function cardMarkdown(markdown: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(markdown);
  md.isTrusted = { enabledCommands: [...CARD_COMMANDS] };
  md.supportHtml = true;
  md.supportThemeIcons = false;
  return md;
}

/** Everything the card shows about one annotation. */
export function cardModel(services: Services, essay: Essay, a: LiveAnnotation): CardModel {
  const graph = services.graph.get();
  const links: CardLink[] = [];
  for (const l of a.data.links ?? []) {
    const r = graph.resolve(essay.uri.path, l.target);
    const target = r.kind === 'claim' ? services.graph.essay(r.claim.essay) : undefined;
    links.push({
      relation: l.relation, direction: 'outgoing', target: l.target,
      ...(r.kind === 'claim' ? { title: r.claim.title } : {}),
      ...(r.kind === 'claim' && target ? { jump: { uri: target.uri.toString(), annotation: r.claim.id } } : {}),
    });
  }
  if (a.data.kind !== 'passage') {
    for (const b of graph.backlinks(essay.uri.path, a.data.id)) {
      const from = services.graph.essay(b.from.essay);
      links.push({
        relation: b.relation, direction: 'incoming', target: b.from.annotation, title: b.from.title,
        ...(from ? { jump: { uri: from.uri.toString(), annotation: b.from.annotation } } : {}),
      });
    }
  }
  return {
    id: a.data.id,
    kind: a.data.kind,
    title: a.data.title,
    tags: a.data.tags.map((t) => services.codebook.tag(t)),
    note: a.data.note,
    links,
    status: a.status,
    ref: { uri: essay.uri.toString(), annotation: a.data.id },
  };
}

export class CruxHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!settings(document.uri).hover) return undefined;
    const essay = await this.services.store.forDocument(document);
    if (!essay || token.isCancellationRequested) return undefined;
    const offset = document.offsetAt(position);
    const here = essay.annotations.at(offset);
    if (here.length > 0) {
      const cards = here.map((a) => cardMarkdown(buildCard(cardModel(this.services, essay, a))));
      return new vscode.Hover(cards, toVsRange(document, here[0].range!));
    }
    return this.linkHover(document, essay, offset, token);
  }

  /** Over a claim link in the text, the card of the claim it names. */
  private async linkHover(document: vscode.TextDocument, essay: Essay, offset: number, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const link = essay.outline().links.find((l) => l.start <= offset && offset < l.end && l.fragment);
    if (!link) return undefined;
    const r = this.services.graph.get().resolve(essay.uri.path, link.path ? `${link.path}#${link.fragment}` : link.fragment!);
    if (r.kind !== 'claim') return undefined;
    const targetEssay = this.services.graph.essay(r.claim.essay);
    const target = targetEssay?.annotations.find(r.claim.id);
    if (!targetEssay || !target || token.isCancellationRequested) return undefined;
    return new vscode.Hover(cardMarkdown(buildCard(cardModel(this.services, targetEssay, target))), toVsRange(document, link));
  }
}
