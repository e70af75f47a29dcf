import * as vscode from 'vscode';
import type { Services } from './services';
import { activeEssay } from './commands';
import { toOffsets } from './convert';

interface EditNoteArgs {
  uri?: string;
  annotation?: string;
  note?: string;
}

/** Edits the note of an annotation: the one given, or the innermost one under the cursor. */
export async function editNote(services: Services, args?: EditNoteArgs): Promise<void> {
  let essay;
  let id = args?.annotation;
  if (args?.uri) {
    essay = await services.store.forDocument(await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
  } else {
    const target = await activeEssay(services);
    if (!target) return;
    essay = target.essay;
    if (!id) {
      const sel = toOffsets(target.editor.document, target.editor.selection);
      id = essay.annotations.at(sel.start)[0]?.data.id;
    }
  }
  if (!essay) return;
  const item = id ? essay.annotations.find(id) : undefined;
  if (!item) {
    void vscode.window.showInformationMessage('Cruxmark: put the cursor in an annotated passage to edit its note.');
    return;
  }
  let note = args?.note;
  if (note === undefined) {
    note = await vscode.window.showInputBox({
      title: `Note on ${item.data.title ?? 'this passage'}`,
      value: item.data.note ?? '',
      prompt: 'Leave empty to remove the note.',
    });
    if (note === undefined) return;
  }
  if (essay.annotations.setNote(item.data.id, note)) services.store.annotationsChanged(essay);
}
