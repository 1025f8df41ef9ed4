/**
 * Where an export goes, asked with the OS save dialog (defect 13: the page
 * used to take any absolute path in a text box). The handlers accept an
 * export only to a path this returned (ipc/host-services.ts).
 */
import { join } from 'node:path';
import { app, dialog, type BrowserWindow, type SaveDialogOptions } from 'electron';

export async function chooseExportFile(parent: BrowserWindow | undefined, name: string, now = new Date()): Promise<string | null> {
  const opts: SaveDialogOptions = {
    title: `Export ${name}`,
    // The name is a profile name (letters, digits, . _ -): safe in a file name.
    defaultPath: join(app.getPath('documents'), `stratam-export-${name}-${now.toISOString().slice(0, 10)}.json`),
    buttonLabel: 'Export',
    filters: [{ name: 'JSON', extensions: ['json'] }],
    // An export never overwrites; the dialog says so before the export refuses.
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
  const r = parent ? await dialog.showSaveDialog(parent, opts) : await dialog.showSaveDialog(opts);
  return r.canceled || !r.filePath ? null : r.filePath;
}
