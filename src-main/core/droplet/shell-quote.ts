/**
 * SSH exec takes one command line that the droplet's login shell parses. To
 * pass an argv through it unchanged, each element goes in single quotes (the
 * one POSIX quoting with no special characters inside), and an embedded quote
 * becomes '\''. This is quoting, not interpolation: no element can end its
 * quotes early. NUL cannot be passed at all, so it is refused.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('An argument contains a NUL byte and cannot be passed to the droplet.');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
