/**
 * Finds the action claims in a reply (contract: "Fabrication warnings"):
 * tier 1 "done" (I deployed, I've restarted it, Email sent), tier 2 "now"
 * (I'm deploying, Restarting the container now), tier 3 "about to in this
 * turn" (Let me check, I'll restart it now). Negations, questions,
 * conditionals and offers, reported speech, quoted text and code are not
 * claims. Each verb looks back over a bounded window of its clause, so the
 * whole scan is linear in the reply.
 */
import { type ClaimKind, CALENDAR_WORDS, EMAIL_WORDS, FILE_WORDS, TEXT_WORDS, type VerbForm, verbForms } from './lexicon.js';
import { type Sentence, type Token, sentences } from './tokens.js';

export type Tier = 1 | 2 | 3;

export interface Claim {
  tier: Tier;
  claim: ClaimKind;
  /** The words that make the claim, as written ("I've restarted"). */
  phrase: string;
  start: number;
  end: number;
}

const AUX = new Set([
  'have', 'has', 'had', 'been', 'be', 'was', 'were', 'is', 'am', 'are', 'will', 'would', 'shall', 'should', 'can', 'could', 'may',
  'might', 'must', 'not', 'never', 'just', 'already', 'also', 'now', 'successfully', 'finally', 'quickly', 'manually', 'automatically',
  'immediately', 'actually', 'currently', 'still', 'going', 'to', 'about', 'really', 'fully', 'properly', 'again', 'yet', 'do', 'did',
  'does', 'get', 'got', 'first', 'right', 'go', 'ahead', 'and_', 'gladly', 'personally', 'both', 'all', 'briefly', 'carefully', 'double',
]);
const MODALS = new Set(['would', 'should', 'can', 'could', 'may', 'might', 'must', 'shall']);
const PERFECT_PASSIVE = new Set(['have', 'has', 'had', 'been', 'be', 'was', 'were', 'is', 'are', 'am', 'got', 'get']);
const PROGRESSIVE = new Set(['am', 'is', 'are']);
const NEG_HEADS = new Set(['nothing', 'nobody', 'no', 'none', 'neither', 'nor', 'not', 'never']);
const OTHER_SUBJECTS = new Set([
  'you', 'they', 'he', 'she', 'who', 'which', 'that', 'u', 'someone', 'somebody', 'everyone', 'anyone', 'it', 'this', 'there',
  'me', 'us', 'him', 'her', 'them', 'the', 'a', 'an', 'these', 'those', 'my', 'your', 'our', 'his', 'their', 'its', 'any', 'some', 'every', 'each',
]);
/** What may follow a telegraphic "Email sent" / "Changes pushed to main": no object. */
const AFTER_TELEGRAPHIC = new Set(['', 'to', 'on', 'in', 'at', 'for', 'via', 'with', 'successfully', 'now', 'already', 'just', 'and', 'from', 'into', 'as', 'again']);
/** Finite verbs after a clause-opening gerund make it a subject ("Restarting too often trips the breaker"). */
const FINITE = new Set([
  'is', 'are', 'was', 'were', 'can', 'could', 'will', 'would', 'should', 'may', 'might', 'must', 'requires', 'require', 'takes', 'makes',
  'means', 'needs', 'helps', 'causes', 'trips', 'keeps', 'tends', 'counts', 'costs', 'breaks', 'has', 'does',
]);
const STARTERS = new Set(['and', 'but', 'then', 'so', 'also', 'plus', 'ok', 'okay', 'alright', 'done', 'yes', 'yep', 'sure', 'great', 'good', 'update', 'status']);
const CONNECTIVES = new Set(['and', 'but', 'then', 'so', 'plus', 'and_then']);
const CONDITIONAL = new Set(['if', 'unless', 'whether', 'assuming', 'provided', 'suppose', 'supposing', 'once', 'otherwise', 'lest']);
const REPORTING = new Set(['said', 'says', 'say', 'told', 'tell', 'tells', 'asked', 'asks', 'claimed', 'claims', 'mentioned', 'mentions', 'according', 'reported', 'reports', 'think', 'thought', 'believe', 'believed', 'suggested', 'suggests', 'wondering', 'wondered', 'wants', 'wanted']);
const LATER = new Set(['tomorrow', 'later', 'tonight', 'eventually', 'next', 'someday', 'weekend', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'afterwards']);
const MAX_CHAIN = 6;

/** The claims of a reply, the first of each (tier, claim) pair only. */
export function detectClaims(text: string): Claim[] {
  const out: Claim[] = [];
  for (const s of sentences(text)) sentenceClaims(text, s, out);
  const seen = new Set<string>();
  return out.filter((c) => {
    const k = `${c.tier}:${c.claim}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sentenceClaims(text: string, s: Sentence, out: Claim[]): void {
  if (s.question) return;
  const t = s.tokens;
  // Clause starts are boundaries and connectives; "go ahead and" keeps its clause.
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.w === 'and' && t[i - 1]?.w === 'ahead' && t[i - 2]?.w === 'go') t[i] = { ...t[i]!, w: 'and_' };
  }
  let later = false;
  for (const tok of t) {
    if (CONDITIONAL.has(tok.w)) return;
    if (LATER.has(tok.w)) later = true;
  }
  let reported = false;
  let clauseStart = 0;
  let lastTier: Tier | null = null;
  for (let i = 0; i < t.length; i++) {
    const w = t[i]!.w;
    // "I'll pull the logs, then restart it": later bare verbs share the promise.
    if (w === 'will' && (t[i - 1]?.w === 'i' || t[i - 1]?.w === 'we') && !later && t[i + 1]?.w !== 'not') lastTier = lastTier ?? 3;
    if (w === '') {
      clauseStart = i + 1;
      continue;
    }
    if (REPORTING.has(w)) reported = true;
    if (CONNECTIVES.has(w) || (STARTERS.has(w) && i === clauseStart)) {
      clauseStart = i + 1;
      continue;
    }
    const forms = verbForms(w);
    if (!forms || reported) continue;
    for (const v of forms) {
      const claim = classify(t, i, clauseStart, v, lastTier, later);
      if (!claim) continue;
      const kind = resolveKind(t, i, clauseStart, v);
      if (!kind) continue;
      out.push({ tier: claim.tier, claim: kind, phrase: text.slice(claim.from, t[i]!.end), start: claim.from, end: t[i]!.end });
      lastTier = claim.tier;
      break;
    }
  }
}

function classify(t: Token[], i: number, clauseStart: number, v: VerbForm, lastTier: Tier | null, later: boolean): { tier: Tier; from: number } | null {
  let j = i - 1;
  const chain: string[] = [];
  while (j >= clauseStart && chain.length < MAX_CHAIN && AUX.has(t[j]!.w)) chain.push(t[j--]!.w);
  const head = j >= clauseStart ? t[j]!.w : null; // null: the verb opens its clause
  if (chain.includes('not') || chain.includes('never') || (head !== null && NEG_HEADS.has(head))) return null;
  if (j - 1 >= clauseStart && NEG_HEADS.has(t[j - 1]!.w)) return null; // "No changes were pushed"
  // A passive with another agent ("was created by the nightly job") is not the agent's claim.
  if (t[i + 1]?.w === 'by' && t[i + 2] && t[i + 2]!.w !== 'me' && t[i + 2]!.w !== 'us') return null;
  if (chain.some((c) => MODALS.has(c))) return null;
  const firstPerson = head === 'i' || head === 'we';
  const from = firstPerson ? t[j]!.start : chain.length ? t[i - chain.length]!.start : t[i]!.start;
  const infinitive = chain.includes('to');
  const future = chain.includes('will') || (infinitive && (chain.includes('going') || chain.includes('about')));
  const adverbsOnly = chain.every((c) => !PERFECT_PASSIVE.has(c) && !infinitive && c !== 'will');
  const f = v.forms;
  if (f.includes('P') || f.includes('N')) {
    if (!infinitive && !future && chain.some((c) => PERFECT_PASSIVE.has(c)) && (head === null || !OTHER_SUBJECTS.has(head) || head === 'it')) return { tier: 1, from };
    if (f.includes('P') && adverbsOnly && (firstPerson || head === null)) return { tier: 1, from };
    // "Email sent", "Changes pushed": a short noun phrase opening the clause.
    if (f.includes('N') && chain.length === 0 && head !== null && j - clauseStart <= 1 && AFTER_TELEGRAPHIC.has(t[i + 1]?.w ?? '') && !OTHER_SUBJECTS.has(head) && !firstPerson && /^[a-z]/.test(head) && !verbForms(head)?.some((h) => /[PG]/.test(h.forms))) return { tier: 1, from: t[clauseStart]!.start };
  }
  if (f.includes('G')) {
    if (firstPerson && chain.some((c) => PROGRESSIVE.has(c)) && !infinitive) return { tier: 2, from };
    if (head === null && adverbsOnly && !finiteLater(t, i)) return { tier: 2, from };
  }
  if (f.includes('B')) {
    if ((head === 'me' || head === 'us') && (t[j - 1]?.w === 'let' || t[j - 1]?.w === 'lemme')) return { tier: 3, from: t[j - 1]!.start };
    if (head === 'lemme') return { tier: 3, from: t[j]!.start };
    if (future && !later && (firstPerson || head === null)) return { tier: 3, from };
    if (head === null && chain.length === 0 && lastTier === 3) return { tier: 3, from };
  }
  return null;
}

function finiteLater(t: Token[], i: number): boolean {
  for (let k = i + 1; k < t.length && t[k]!.w !== ''; k++) if (FINITE.has(t[k]!.w)) return true;
  return false;
}

/** What a generic verb claims depends on its clause: "sent the email", "added to the calendar". */
function resolveKind(t: Token[], i: number, clauseStart: number, v: VerbForm): ClaimKind | null {
  const near = (set: Set<string>) => {
    for (let k = clauseStart; k < t.length && k < i + 8; k++) {
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
      return near(CALENDAR_WORDS) ? 'schedule' : near(FILE_WORDS) ? 'save' : 'fix';
    case 'update':
      return near(CALENDAR_WORDS) ? 'schedule' : near(FILE_WORDS) ? 'save' : 'fix';
    case 'create':
      return near(CALENDAR_WORDS) ? 'schedule' : 'save';
    case 'put':
      return near(CALENDAR_WORDS) ? 'schedule' : null;
    case 'take': {
      const a = t[i + 1]?.w;
      const b = t[i + 2]?.w;
      const c = t[i + 3]?.w;
      return a === 'a' && (b === 'look' || c === 'look') ? 'check' : null;
    }
    case 'look':
      return 'check';
    case 'roll':
      return t[i + 1]?.w === 'out' ? 'deploy' : null;
    case 'clean':
      return 'delete';
    default:
      return v.kind;
  }
}
