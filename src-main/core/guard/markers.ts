/**
 * The markers a word's value holds where the shell text cannot be known
 * statically (private-use characters, so no real path contains them): ANY is
 * any text (a variable, a substitution), STAR and QMARK are unquoted globs,
 * HOME is a home folder we cannot spell.
 */
export const ANY = '\uE000';
export const STAR = '\uE001';
export const QMARK = '\uE002';
export const HOME = '\uE003';
const MARKERS = /[\uE000-\uE003]/;

export const hasMarker = (s: string) => MARKERS.test(s);
