/**
 * Finds the action claims in a reply (contract: "Fabrication warnings"):
 * tier 1 "done" (I deployed, I've restarted it, Email sent), tier 2 "now"
 * (I'm deploying, Restarting the container now), tier 3 "about to in this
 * turn" (Let me check, I'll restart it now). Negations, questions,
 * conditionals and offers, reported speech, quoted text and code are not
 * claims. Each verb looks back over a bounded window of its clause, with the
 * word classes precomputed as bits, so the whole scan is linear in the reply.
 */
import { type ClaimKind, CALENDAR_WORDS, EMAIL_WORDS, FILE_WORDS, TEXT_WORDS, type VerbForm } from './lexicon.js';
import { B, type Sentence, type Token, forEachSentence } from './tokens.js';

export type Tier = 1 | 2 | 3;

export interface Claim {
  tier: Tier;
  claim: ClaimKind;
  /** The words that make the claim, as written ("I've restarted"). */
  phrase: string;
  start: number;
  end: number;
}

const MAX_CHAIN = 6;

/** The claims of a reply, the first of each (tier, claim) pair only. */
export function detectClaims(text: string): Claim[] {
  const out: Claim[] = [];
  let seen = 0; // bit per (tier, claim)
  forEachSentence(text, (s) => {
    sentenceClaims(text, s, (c) => {
      const bit = 1 << ((c.tier - 1) * 11 + KIND_INDEX[c.claim]);
      if (seen & bit) return;
      seen |= bit;
      out.push(c);
    });
  });
  return out;
}

const KIND_INDEX: Record<ClaimKind, number> = { deploy: 0, restart: 1, fix: 2, run: 3, check: 4, email: 5, message: 6, text: 7, save: 8, delete: 9, schedule: 10 };

function sentenceClaims(text: string, s: Sentence, emit: (c: Claim) => void): void {
  if (s.question || s.conditional) return;
  const t = s.tokens;
  const n = s.length;
  let reported = false;
  let clauseStart = 0;
  let lastTier: Tier | null = null;
  for (let i = 0; i < n; i++) {
    const tok = t[i]!;
    const w = tok.w;
    if (w === '') {
      clauseStart = i + 1;
      continue;
    }
    // "go ahead and restart" keeps its clause.
    if (w === 'and' && i >= 2 && t[i - 1]!.w === 'ahead' && t[i - 2]!.w === 'go') {
      tok.w = 'and_';
      tok.f = B.AUX;
      continue;
    }
    // "I'll pull the logs, then restart it": later bare verbs share the promise.
    if (w === 'will' && i > 0 && (t[i - 1]!.w === 'i' || t[i - 1]!.w === 'we') && !s.later && t[i + 1]?.w !== 'not' && lastTier === null) lastTier = 3;
    if (tok.f & B.REPORT) reported = true;
    if (tok.f & B.CONNECT || (tok.f & B.STARTER && i === clauseStart)) {
      clauseStart = i + 1;
      continue;
    }
    if (!tok.verbs || reported) continue;
    for (const v of tok.verbs) {
      const claim = classify(t, n, i, clauseStart, v, lastTier, s.later);
      if (!claim) continue;
      const kind = resolveKind(t, n, i, clauseStart, v);
      if (!kind) continue;
      emit({ tier: claim.tier, claim: kind, phrase: text.slice(claim.from, tok.end), start: claim.from, end: tok.end });
      lastTier = claim.tier;
      break;
    }
  }
}

function classify(t: Token[], n: number, i: number, clauseStart: number, v: VerbForm, lastTier: Tier | null, later: boolean): { tier: Tier; from: number } | null {
  let j = i - 1;
  let bits = 0;
  let len = 0;
  while (j >= clauseStart && len < MAX_CHAIN && t[j]!.f & B.AUX) {
    bits |= t[j]!.f;
    len++;
    j--;
  }
  const headTok = j >= clauseStart ? t[j]! : null; // null: the verb opens its clause
  const head = headTok ? headTok.w : null;
  if (bits & B.NOT || (headTok && headTok.f & B.NEG)) return null;
  if (j - 1 >= clauseStart && t[j - 1]!.f & B.NEG) return null; // "No changes were pushed"
  if (bits & B.MODAL) return null;
  // A passive with another agent ("was created by the nightly job") is not the agent's claim.
  if (i + 2 < n && t[i + 1]!.w === 'by' && t[i + 2]!.w !== 'me' && t[i + 2]!.w !== 'us') return null;
  const firstPerson = head === 'i' || head === 'we';
  const from = firstPerson ? headTok!.start : len ? t[i - len]!.start : t[i]!.start;
  const infinitive = (bits & B.TO) !== 0;
  const future = (bits & B.WILL) !== 0 || (infinitive && (bits & (B.GOING | B.ABOUT)) !== 0);
  const adverbsOnly = (bits & (B.PERFECT | B.TO | B.WILL)) === 0;
  const f = v.forms;
  const past = f.includes('P');
  if (past || f.includes('N')) {
    if (!infinitive && !future && bits & B.PERFECT && (headTok === null || !(headTok.f & B.OTHER) || head === 'it')) return { tier: 1, from };
    if (past && adverbsOnly && (firstPerson || headTok === null)) return { tier: 1, from };
    // "Email sent", "Changes pushed": a short noun phrase opening the clause, no object after.
    if (f.includes('N') && len === 0 && headTok !== null && j - clauseStart <= 1 && !(headTok.f & B.OTHER) && !firstPerson) {
      const next = i + 1 < n ? t[i + 1]! : null;
      const nounHead = headTok.w !== '\u0000q' && !(headTok.verbs?.some((h) => h.forms.includes('P') || h.forms.includes('G')) ?? false);
      if (nounHead && (next === null || next.w === '' || next.f & B.AFTER_TELEGRAPHIC)) return { tier: 1, from: t[clauseStart]!.start };
    }
  }
  if (f.includes('G')) {
    if (firstPerson && bits & B.PROGRESSIVE && !infinitive) return { tier: 2, from };
    if (headTok === null && adverbsOnly && !finiteLater(t, n, i)) return { tier: 2, from };
  }
  if (f.includes('B')) {
    if ((head === 'me' || head === 'us') && j - 1 >= 0 && (t[j - 1]!.w === 'let' || t[j - 1]!.w === 'lemme')) return { tier: 3, from: t[j - 1]!.start };
    if (head === 'lemme') return { tier: 3, from: headTok!.start };
    if (future && !later && (firstPerson || headTok === null)) return { tier: 3, from };
    if (headTok === null && len === 0 && lastTier === 3) return { tier: 3, from };
  }
  return null;
}

/** Bounded: the clause after a gerund, up to 12 words. */
function finiteLater(t: Token[], n: number, i: number): boolean {
  for (let k = i + 1; k < n && k <= i + 12 && t[k]!.w !== ''; k++) if (t[k]!.f & B.FINITE) return true;
  return false;
}

/** What a generic verb claims depends on its clause: "sent the email", "added to the calendar". */
function resolveKind(t: Token[], n: number, i: number, clauseStart: number, v: VerbForm): ClaimKind | null {
  const near = (set: Set<string>) => {
    for (let k = Math.max(clauseStart, i - 8); k < n && k < i + 8; k++) {
      const w = t[k]!.w;
      if (w === '') {
        if (k > i) break;
        continue;
      }
      if (set.has(w)) return true;
    }
    return false;
  };
  switch (v.kind) {
    case 'send':
      return near(EMAIL_WORDS) ? 'email' : near(TEXT_WORDS) ? 'text' : 'message';
    case 'add':
    case 'update':
      return near(CALENDAR_WORDS) ? 'schedule' : near(FILE_WORDS) ? 'save' : 'fix';
    case 'create':
      return near(CALENDAR_WORDS) ? 'schedule' : 'save';
    case 'put':
      return near(CALENDAR_WORDS) ? 'schedule' : null;
    case 'take': {
      const a = t[i + 1]?.w;
      return i + 3 < n + 1 && a === 'a' && (t[i + 2]?.w === 'look' || t[i + 3]?.w === 'look') ? 'check' : null;
    }
    case 'look':
      return 'check';
    case 'roll':
      return i + 1 < n && t[i + 1]!.w === 'out' ? 'deploy' : null;
    case 'clean':
      return 'delete';
    default:
      return v.kind;
  }
}
