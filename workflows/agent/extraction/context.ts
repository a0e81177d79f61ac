// Which words around a detail belong to it. A reply is a row of details with text between them; the text between
// two details is split at punctuation and conjunctions: the first piece describes the detail before ("X is my home
// number, …"), the last piece the detail after ("…, my mobile is Y"). Pure.

export interface Span {
  start: number;
  end: number;
}

export interface Surroundings {
  /** the words that describe this detail from before it ("my mobile is") */
  before: string;
  /** the words that describe it from after it ("(home)", "is my old one") */
  after: string;
}

const BOUNDARY = /[,;.!?()[\]\n]|\s[-–—]\s|\s(?:and|but|or|y|o|pero|also|then|plus|and then)\s/g;
const LEANS_BACK = /^(is|es|are|was|which|that'?s|thats|that is|being|for|=|\(|son)\b/;
const LEANS_FORWARD = /(\bis|\bes|:|\bon|\bnumber|\bno|\bnumero|\bemail|\bcorreo|\bmail)\s*$/;

interface Piece {
  text: string;
  boundaryBefore: boolean;
  boundaryAfter: boolean;
  bracketed: boolean;
}

function pieces(gap: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  let sawBoundary = false;
  let openParen = false;
  for (const m of gap.matchAll(BOUNDARY)) {
    const text = gap.slice(last, m.index).trim();
    if (/[a-z]/.test(text)) out.push({ text, boundaryBefore: sawBoundary, boundaryAfter: true, bracketed: openParen });
    sawBoundary = true;
    openParen = m[0] === '(' || m[0] === '[';
    last = m.index + m[0].length;
  }
  const tail = gap.slice(last).trim();
  if (/[a-z]/.test(tail)) out.push({ text: tail, boundaryBefore: sawBoundary, boundaryAfter: false, bracketed: false });
  return out;
}

/** splits the text between two details into the part that describes the first and the part that describes the second */
export function splitGap(gap: string): { toPrevious: string; toNext: string } {
  const ps = pieces(gap);
  if (ps.length === 0) return { toPrevious: '', toNext: '' };
  if (ps.length >= 2) return { toPrevious: ps[0]!.text, toNext: ps[ps.length - 1]!.text };
  const p = ps[0]!;
  if (p.bracketed || LEANS_BACK.test(p.text)) return { toPrevious: p.text, toNext: '' };
  if (LEANS_FORWARD.test(p.text)) return { toPrevious: '', toNext: p.text };
  if (!p.boundaryBefore && p.boundaryAfter) return { toPrevious: p.text, toNext: '' };
  return { toPrevious: '', toNext: p.text };
}

/** the describing words before and after each span (spans sorted by start, not overlapping) */
export function surroundings(text: string, spans: Span[]): Surroundings[] {
  const result: Surroundings[] = spans.map(() => ({ before: '', after: '' }));
  spans.forEach((span, i) => {
    if (i === 0) {
      const ps = pieces(text.slice(0, span.start));
      result[i]!.before = ps.length ? ps[ps.length - 1]!.text : '';
    } else {
      const split = splitGap(text.slice(spans[i - 1]!.end, span.start));
      result[i - 1]!.after = split.toPrevious;
      result[i]!.before = split.toNext;
    }
    if (i === spans.length - 1) {
      const ps = pieces(text.slice(span.end));
      result[i]!.after = ps.length ? ps[0]!.text : '';
    }
  });
  return result;
}
