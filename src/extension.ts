// Cruxmark's entry point: builds the services and registers every surface in one place.
import * as vscode from 'vscode';
import type { LiveAnnotation } from './core/essay';
import type { ClaimsNode } from './core/tree';
import { ClaimsView, revealCommand } from './vscode/claimsView';
import { CodebookService } from './vscode/codebook';
import { registerClaimCommands } from './vscode/claimCommands';
import { registerTagCommands } from './vscode/commands';
import { Diagnostics, QuickFixes } from './vscode/diagnostics';
import { registerExportCommands } from './vscode/exportCommand';
import { Navigation } from './vscode/navigation';
import { Decorations } from './vscode/decorations';
import { EssayStore } from './vscode/essays';
import { GraphService } from './vscode/graphService';
import { CruxHoverProvider } from './vscode/hover';
import { createLogger } from './vscode/logger';
import { editNote } from './vscode/noteCommand';
import type { Services } from './vscode/services';
import { TagsView } from './vscode/tagsView';

/** What Cruxmark offers other extensions (and its integration tests). */
export interface CruxmarkApi {
  /** Resolves when every sidecar write started so far has finished. */
  settled(): Promise<void>;
  /** The annotations Cruxmark holds for an essay, with their current ranges. */
  annotations(uri: vscode.Uri): readonly LiveAnnotation[] | undefined;
  /** The Claims view's tree as plain data. */
  claimsTree(): TreeSnapshot[];
  /** The Tags view's items as their labels: each tag with its passages. */
  tagsTree(): { label: string; children: string[] }[];
}

/** A node of the Claims tree, without its parent link. */
export interface TreeSnapshot {
  type: ClaimsNode['type'];
  id: string;
  label: string;
  children: TreeSnapshot[];
}

function snapshot(node: ClaimsNode): TreeSnapshot {
  const label = node.type === 'link' ? `${node.relation} ${node.resolved?.title ?? node.target}` : node.type === 'detached' ? 'Detached' : node.label;
  return { type: node.type, id: node.id, label, children: node.children.map(snapshot) };
}

const MARKDOWN: vscode.DocumentSelector = { language: 'markdown' };

export async function activate(context: vscode.ExtensionContext): Promise<CruxmarkApi> {
  const log = createLogger();
  context.subscriptions.push(log);
  try {
    const store = new EssayStore(log);
    const codebook = new CodebookService(log);
    const graph = new GraphService({ store });
    const services: Services = { log, store, codebook, graph };
    const claims = new ClaimsView(services);
    const tags = new TagsView(services);
    context.subscriptions.push(
      claims,
      tags,
      store,
      codebook,
      graph,
      new Decorations(services, vscode.Uri.joinPath(context.extensionUri, 'media')),
      new Diagnostics(services),
      ...registerTagCommands(services),
      ...registerClaimCommands(services),
      ...registerExportCommands(services),
      ...new Navigation(services).register(),
      vscode.languages.registerCodeActionsProvider(MARKDOWN, new QuickFixes(services), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.commands.registerCommand('cruxmark.revealAnnotation', (args) => revealCommand(services, args)),
      vscode.commands.registerCommand('cruxmark.editNote', (args) => editNote(services, args)),
      vscode.languages.registerHoverProvider(MARKDOWN, new CruxHoverProvider(services)),
    );
    await codebook.start();
    await store.start();
    log.info('Cruxmark is ready.');
    return {
      settled: () => store.settled(),
      annotations: (uri) => store.get(uri)?.annotations.list(),
      claimsTree: () => claims.nodes().map(snapshot),
      tagsTree: () => tags.getChildren().map((t) => ({
        label: String(tags.getTreeItem(t).label),
        children: tags.getChildren(t).map((c) => String(tags.getTreeItem(c).label)),
      })),
    };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(e instanceof Error ? e : message);
    void vscode.window.showErrorMessage(`Cruxmark failed to start: ${message}`);
    throw e;
  }
}

export function deactivate(): void {}
