/**
 * What a host can offer the handlers beyond the session: today the OS save
 * dialog for exports. Electron passes it; the browser harness does not, and
 * its page keeps a text field for the path.
 *
 * Where the host has a save dialog, an export goes only to a path the person
 * chose in it: the renderer never names a file of its own, so a page that was
 * tricked (or a bug in a view) cannot write an export anywhere on the disk.
 */
import { refusedError } from '../core/errors.js';

export interface HostServices {
  /** The OS save dialog for one droplet's export: the chosen absolute path, or null when the person cancels. */
  chooseExportFile?(name: string): Promise<string | null>;
}

/** Paths the dialog returned and no export has used yet; each is good for one export. */
export class ChosenExports {
  private readonly chosen = new Set<string>();

  constructor(private readonly host: HostServices) {}

  async choose(name: string): Promise<string | null> {
    if (!this.host.chooseExportFile) {
      throw refusedError('This window has no save dialog.', 'Type the absolute path to export to.');
    }
    const out = await this.host.chooseExportFile(name);
    if (out !== null) {
      this.chosen.add(out);
      // A handful at most in practice; never grows without bound.
      if (this.chosen.size > 16) this.chosen.delete(this.chosen.values().next().value as string);
    }
    return out;
  }

  /** Throws unless `out` may be written: any path without a dialog, else one the dialog just returned. */
  take(out: string): void {
    if (!this.host.chooseExportFile) return;
    if (!this.chosen.delete(out)) {
      throw refusedError(`${out} was not chosen in the save dialog.`, 'Click "Export…" and pick the file there; the app writes an export only where you chose.');
    }
  }
}
