// Claim links as code navigation: Go to Definition, Find All References, Rename, the Outline
// (document symbols) and Go to Symbol in Workspace.
import * as vscode from 'vscode';
import type { ClaimRef } from '../core/graph';
import { parseOutline, type MarkdownLink, type Outline } from '../core/markdown';
import { parseSidecar, stringifySidecar } from '../core/sidecar';
import { isSlug } from '../core/slug';
import type { Section } from '../core/markdown';
import { readText } from './fileAccess';
import type { Essay } from './essays';
import type { Services } from './services';

const MARKDOWN_FILES = '**/*.md';
const EXCLUDE = '**/node_modules/**';

/** A claim link in some Markdown file, with the range of its `#fragment` text. */
interface LinkSite {
  uri: vscode.Uri;
  link: MarkdownLink;
  /** The range of the fragment (the claim id) in the file. */
  fragment: vscode.Range;
  claim: ClaimRef;
}

function linkTarget(link: MarkdownLink): string | undefined {
  return link.fragment ? (link.path ? `${link.path}#${link.fragment}` : link.fragment) : undefined;
}

/** Where `#fragment` is written inside a link's source, or in its reference definition. */
function fragmentOffset(text: string, link: MarkdownLink): number | undefined {
  const needle = `#${link.fragment}`;
  const source = text.slice(link.start, link.end);
  const re = new RegExp(`${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[)\\s"'>]|$)`, 'g');
  let last: number | undefined;
  for (let m = re.exec(source); m; m = re.exec(source)) last = m.index;
  if (last !== undefined) return link.start + last + 1;
  // A reference link: its URL is in a definition line elsewhere in the file.
  const def = new RegExp(`^ {0,3}\\[[^\\]]+\\]:[ \\t]*<?[^\\s>#]*${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[>\\s]|$)`, 'gm').exec(text);
  return def ? def.index + def[0].length - needle.length + 1 : undefined;
}

/** A text with an offset-to-position mapping, from an open document or read from disk. */
interface Source {
  uri: vscode.Uri;
  text: string;
  outline: Outline;
  range(start: number, end: number): vscode.Range;
}

export class Navigation implements vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.DocumentSymbolProvider,
  vscode.WorkspaceSymbolProvider, vscode.RenameProvider {
  constructor(private readonly services: Services) {}

  register(): vscode.Disposable[] {
    const md: vscode.DocumentSelector = { language: 'markdown' };
    return [
      vscode.languages.registerDefinitionProvider(md, this),
      vscode.languages.registerReferenceProvider(md, this),
      vscode.languages.registerDocumentSymbolProvider(md, this, { label: 'Cruxmark claims' }),
      vscode.languages.registerWorkspaceSymbolProvider(this),
      vscode.languages.registerRenameProvider(md, this),
    ];
  }

  /** The claim named by the link under the cursor, or the claim whose passage is under it. */
  private async claimAt(document: vscode.TextDocument, position: vscode.Position): Promise<{ claim: ClaimRef; link?: MarkdownLink; essay: Essay } | undefined> {
    const essay = await this.services.store.forDocument(document);
    if (!essay) return undefined;
    const offset = document.offsetAt(position);
    const graph = this.services.graph.get();
    const link = essay.outline().links.find((l) => l.start <= offset && offset < l.end && l.fragment);
    if (link) {
      const r = graph.resolve(essay.uri.path, linkTarget(link)!);
      return r.kind === 'claim' ? { claim: r.claim, link, essay } : undefined;
    }
    const own = essay.annotations.at(offset).find((a) => a.data.kind !== 'passage');
    const claim = own ? graph.claim(essay.uri.path, own.data.id) : undefined;
    return claim ? { claim, essay } : undefined;
  }

  /** The claim's passage as a location. */
  private claimLocation(claim: ClaimRef): vscode.Location | undefined {
    const essay = this.services.graph.essay(claim.essay);
    const a = essay?.annotations.find(claim.id);
    return essay && a?.range ? new vscode.Location(essay.uri, essay.toRange(a.range)) : undefined;
  }

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DefinitionLink[] | undefined> {
    const hit = await this.claimAt(document, position);
    if (!hit?.link) return undefined;
    const loc = this.claimLocation(hit.claim);
    if (!loc) return undefined;
    return [{ originSelectionRange: hit.essay.toRange(hit.link), targetUri: loc.uri, targetRange: loc.range, targetSelectionRange: loc.range }];
  }

  /** Every Markdown file of the workspace that may mention `#id`, with its outline. */
  private async sources(mentioning: string, token?: vscode.CancellationToken): Promise<Source[]> {
    const out: Source[] = [];
    const files = await vscode.workspace.findFiles(MARKDOWN_FILES, EXCLUDE);
    for (const uri of files) {
      if (token?.isCancellationRequested) break;
      const essay = this.services.store.get(uri);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const text = essay?.text ?? open?.getText() ?? await readText(uri).catch(() => undefined);
      if (text === undefined || !text.includes(mentioning)) continue;
      if (essay) {
        out.push({ uri, text, outline: essay.outline(), range: (s, e) => essay.toRange({ start: s, end: e }) });
      } else {
        const doc = open ?? await vscode.workspace.openTextDocument(uri);
        out.push({ uri, text, outline: parseOutline(text), range: (s, e) => new vscode.Range(doc.positionAt(s), doc.positionAt(e)) });
      }
    }
    return out;
  }

  /** Every text link in the workspace that resolves to the claim. */
  private async linkSites(claim: ClaimRef, token?: vscode.CancellationToken): Promise<LinkSite[]> {
    const graph = this.services.graph.get();
    const sites: LinkSite[] = [];
    for (const source of await this.sources(`#${claim.id}`, token)) {
      for (const link of source.outline.links) {
        if (link.fragment !== claim.id) continue;
        const r = graph.resolve(source.uri.path, linkTarget(link)!);
        if (r.kind !== 'claim' || r.claim.essay !== claim.essay || r.claim.id !== claim.id) continue;
        const at = fragmentOffset(source.text, link);
        if (at === undefined) continue;
        sites.push({ uri: source.uri, link, fragment: source.range(at, at + claim.id.length), claim });
      }
    }
    return sites;
  }

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    const hit = await this.claimAt(document, position);
    if (!hit) return undefined;
    const out: vscode.Location[] = [];
    if (context.includeDeclaration) {
      const own = this.claimLocation(hit.claim);
      if (own) out.push(own);
    }
    for (const site of await this.linkSites(hit.claim, token)) out.push(new vscode.Location(site.uri, site.fragment));
    // Relations made with Link Claim live in sidecars; they point from the linking claim's passage.
    for (const b of this.services.graph.get().backlinks(hit.claim.essay, hit.claim.id)) {
      const loc = this.claimLocation({ essay: b.from.essay, id: b.from.annotation, kind: b.from.kind, title: b.from.title });
      if (loc) out.push(loc);
    }
    return out;
  }

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const essay = await this.services.store.forDocument(document);
    if (!essay) return [];
    const claims = essay.annotations.list().filter((a) => a.data.kind !== 'passage' && a.range);
    const placed = new Set<string>();
    const claimSymbol = (a: (typeof claims)[number]): vscode.DocumentSymbol => {
      placed.add(a.data.id);
      const range = essay.toRange(a.range!);
      return new vscode.DocumentSymbol(a.data.title ?? a.data.id, `${a.data.kind} #${a.data.id}`,
        a.data.kind === 'crux' ? vscode.SymbolKind.Event : vscode.SymbolKind.Key, range, range);
    };
    const visit = (sections: readonly Section[]): vscode.DocumentSymbol[] => sections.flatMap((s) => {
      const children = visit(s.children);
      const own = claims.filter((a) => !placed.has(a.data.id) && a.range!.start >= s.start && a.range!.start < Math.max(s.end, s.start + 1));
      const mine = own.map(claimSymbol);
      if (!s.heading) return mine;
      const sym = new vscode.DocumentSymbol(s.heading.text, '', vscode.SymbolKind.String, essay.toRange(s), essay.toRange(s.heading));
      sym.children = [...mine, ...children].sort((x, y) => x.range.start.compareTo(y.range.start));
      return [sym];
    });
    const roots = visit(essay.outline().sections);
    roots.push(...claims.filter((a) => !placed.has(a.data.id)).map(claimSymbol));
    return roots;
  }

  provideWorkspaceSymbols(query: string): vscode.SymbolInformation[] {
    const q = query.toLowerCase();
    const matches = (s: string): boolean => {
      let i = 0;
      for (const c of s.toLowerCase()) if (c === q[i]) i++;
      return i === q.length;
    };
    return this.services.graph.get().claims().flatMap((c) => {
      if (q && !matches(c.title) && !matches(c.id)) return [];
      const loc = this.claimLocation(c);
      if (!loc) return [];
      return [new vscode.SymbolInformation(c.title, c.kind === 'crux' ? vscode.SymbolKind.Event : vscode.SymbolKind.Key,
        vscode.workspace.asRelativePath(loc.uri), loc)];
    });
  }

  async prepareRename(document: vscode.TextDocument, position: vscode.Position): Promise<{ range: vscode.Range; placeholder: string }> {
    const hit = await this.claimAt(document, position);
    if (!hit) throw new Error('Put the cursor on a claim link or in a claim to rename its id.');
    if (hit.link) {
      const at = fragmentOffset(hit.essay.text, hit.link);
      if (at !== undefined) return { range: hit.essay.toRange({ start: at, end: at + hit.claim.id.length }), placeholder: hit.claim.id };
    }
    const word = document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position);
    return { range: word, placeholder: hit.claim.id };
  }

  async provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string, token: vscode.CancellationToken): Promise<vscode.WorkspaceEdit | undefined> {
    const hit = await this.claimAt(document, position);
    if (!hit) return undefined;
    const { claim } = hit;
    const newId = newName.trim();
    if (!isSlug(newId)) throw new Error(`"${newId}" is not a claim id: use lowercase letters, digits and dashes.`);
    const graph = this.services.graph.get();
    if (newId !== claim.id && graph.has(newId)) throw new Error(`The claim id "${newId}" is already used in this workspace.`);
    await this.services.store.settled();
    const edit = new vscode.WorkspaceEdit();
    for (const site of await this.linkSites(claim, token)) edit.replace(site.uri, site.fragment, newId);
    // Sidecars: the claim's own id, and every relation that points at it.
    for (const essay of this.services.store.all()) {
      const sidecarUri = essay.sidecarUri;
      const text = await readText(sidecarUri).catch(() => undefined);
      if (text === undefined) continue;
      const parsed = parseSidecar(text, sidecarUri.path);
      if (!parsed.ok) continue;
      let changed = false;
      for (const a of parsed.sidecar.annotations) {
        if (essay.uri.path === claim.essay && a.id === claim.id) {
          a.id = newId;
          changed = true;
        }
        for (const l of a.links ?? []) {
          const r = graph.resolve(essay.uri.path, l.target);
          if (r.kind === 'claim' && r.claim.essay === claim.essay && r.claim.id === claim.id) {
            l.target = l.target.includes('#') ? `${l.target.slice(0, l.target.lastIndexOf('#'))}#${newId}` : newId;
            changed = true;
          }
        }
      }
      if (!changed) continue;
      const lines = text.split(/\r\n|\r|\n/);
      edit.replace(sidecarUri, new vscode.Range(0, 0, lines.length - 1, lines[lines.length - 1].length), stringifySidecar(parsed.sidecar));
    }
    return edit;
  }
}
