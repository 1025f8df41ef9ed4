/**
 * The one tree-sitter-bash parser of the process. Loading the WASM runtime and
 * the grammar costs tens of milliseconds, so it happens once, on first use,
 * and every later check reuses it. The grammar is the `tree-sitter-bash.wasm`
 * that the tree-sitter-bash package ships, so nothing is compiled here.
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let loading: Promise<Parser> | null = null;

function wasmPath(): string {
  // Resolved from this module so it works from src, dist and a packaged app alike.
  const require = createRequire(import.meta.url);
  return require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
}

async function load(): Promise<Parser> {
  await Parser.init();
  const language = await Language.load(wasmPath());
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** The shared parser, loaded lazily. A failed load is retried on the next call. */
export function bashParser(): Promise<Parser> {
  if (!loading) {
    loading = load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}
