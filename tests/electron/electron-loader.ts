/**
 * A module hook for in-process tests of host modules: `import … from
 * 'electron'` resolves to the double beside this file. Register it before
 * importing the module under test:
 *   register('./electron-loader.js', import.meta.url)
 */
const double = new URL('./electron-double.js', import.meta.url).href;

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  return specifier === 'electron' ? { url: double, shortCircuit: true } : next(specifier, context);
}
