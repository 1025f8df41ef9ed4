// Renders the hand-drawn SVG sources in assets/ to the PNGs Electron and
// electron-builder use, into <out>/ (dist/assets by default):
//   tray/tray-<state>.png, @2x      colour, for light panels (Windows, most Linux)
//   tray/tray-<state>-dark.png, @2x colour, for dark panels
//   tray/tray-<state>Template.png, @2x  black + alpha, macOS template images
//   icon.png (512), icon-256.png    the application icon
// Renderer: @resvg/resvg-wasm, a WebAssembly build of resvg shipped inside its
// npm package: no native addon, no download at build time, identical output on
// every platform. SVG sources use {{FG}} (outline), {{ACCENT}} (state colour)
// and {{GLYPH}} (the mark inside) so one drawing yields every variant.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Resvg, initWasm } from '@resvg/resvg-wasm';

const ACCENT = { armed: '#2da44e', paused: '#d4a72c', tripped: '#cf222e', warning: '#e16f24', disconnected: '#8c959f' };
const VARIANTS = {
  '': { FG: '#1f2328', GLYPH: '#ffffff', accent: true },
  '-dark': { FG: '#f0f3f6', GLYPH: '#ffffff', accent: true },
  // Template: black + alpha only; an outlined droplet, the glyph alone tells the state.
  Template: { FG: '#000000', GLYPH: '#000000', ACCENT: 'none' },
};

let ready = null;
const init = () => (ready ??= initWasm(readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm'))));

const render = (svg, width) => new Resvg(svg, { fitTo: { mode: 'width', value: width } }).render().asPng();

export async function renderIcons(out = 'dist/assets') {
  await init();
  mkdirSync(join(out, 'tray'), { recursive: true });
  let count = 0;
  for (const file of readdirSync('assets/tray').filter((f) => f.endsWith('.svg'))) {
    const state = file.slice(0, -4);
    const src = readFileSync(join('assets/tray', file), 'utf8');
    for (const [suffix, v] of Object.entries(VARIANTS)) {
      const svg = src
        .replaceAll('{{FG}}', v.FG)
        .replaceAll('{{GLYPH}}', v.GLYPH)
        .replaceAll('{{ACCENT}}', v.accent ? (ACCENT[state] ?? '#8c959f') : v.ACCENT);
      writeFileSync(join(out, 'tray', `tray-${state}${suffix}.png`), render(svg, 16));
      writeFileSync(join(out, 'tray', `tray-${state}${suffix}@2x.png`), render(svg, 32));
      count += 2;
    }
  }
  const icon = readFileSync('assets/icon.svg', 'utf8');
  writeFileSync(join(out, 'icon.png'), render(icon, 512));
  writeFileSync(join(out, 'icon-256.png'), render(icon, 256));
  return count + 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = await renderIcons(process.argv[2]);
  console.log(`rendered ${n} PNGs`);
}
