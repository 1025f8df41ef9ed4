/**
 * Child process for the kill -9 trials: rotates the vault of the jarvis home
 * given in argv[2] on a LocalDroplet, printing each phase as it starts so the
 * parent knows where it killed it.
 */
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { rotateVault } from '../../../src-main/core/vault/rotate.js';

const home = process.argv[2]!;
const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: home, jarvisRoot: `${home}/../root` }, home);
let phase = '';
process.stdout.write('ready\n');
await rotateVault(droplet, {
  onProgress: (e) => {
    if (e.phase !== phase) {
      phase = e.phase;
      process.stdout.write(`phase ${phase}\n`);
    }
  },
});
process.stdout.write('done\n');
