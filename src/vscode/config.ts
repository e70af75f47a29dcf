// Cruxmark's settings, read in one place. Never read at import time: the values change while the
// extension runs, and every reader goes through `settings()`.
import * as vscode from 'vscode';

export type HighlightStyle = 'background' | 'underline' | 'none';

/** The settings that shape what Cruxmark shows. */
export interface Settings {
  /** The user's own tags, as written in `cruxmark.tags`. Validated by the codebook. */
  tags: unknown;
  highlight: HighlightStyle;
  gutter: boolean;
  overviewRuler: boolean;
  followCursor: boolean;
  hover: boolean;
  exportFolder: string;
}

/** Reads the settings for a resource (or the workspace). */
export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('cruxmark', scope);
  return {
    tags: c.get<unknown>('tags', []),
    highlight: c.get<HighlightStyle>('decorations.highlight', 'background'),
    gutter: c.get<boolean>('decorations.gutter', true),
    overviewRuler: c.get<boolean>('decorations.overviewRuler', true),
    followCursor: c.get<boolean>('claims.followCursor', true),
    hover: c.get<boolean>('hover.enabled', true),
    exportFolder: c.get<string>('export.folder', 'cruxmark-exports'),
  };
}

/** True when a configuration change touches Cruxmark's settings. */
export function affectsCruxmark(e: vscode.ConfigurationChangeEvent, section?: string): boolean {
  return e.affectsConfiguration(section ? `cruxmark.${section}` : 'cruxmark');
}
