// The business's FAQ: a markdown file of "## question" sections, each followed by its answer. Text before the first
// question is the business's own description (used in the OpenAI system prompt). Retrieval with MiniSearch (BM25,
// fuzzy and prefix matching), so "opening hours" finds "When are you open?" only through words they share. Pure.
import MiniSearch from 'minisearch';

export interface FaqEntry {
  question: string;
  answer: string;
}

export interface Faq {
  /** the text before the first question: who the business is, tone, rules */
  about: string;
  entries: FaqEntry[];
}

/** Parses "# Title / intro / ## Question / answer …". Questions may also be written "Q: …" with "A: …" below. */
export function parseFaq(markdown: string): Faq {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const about: string[] = [];
  const entries: FaqEntry[] = [];
  let current: { question: string; answer: string[] } | undefined;
  const flush = () => {
    if (current && current.question) {
      const answer = current.answer.join('\n').trim();
      if (answer) entries.push({ question: current.question, answer });
    }
  };
  for (const line of lines) {
    const heading = /^#{2,6}\s+(.+?)\s*#*\s*$/.exec(line) ?? /^\s*\**q(?:uestion)?\**\s*[:.]\**\s*(.+)$/i.exec(line);
    if (heading) {
      flush();
      current = { question: heading[1]!.trim(), answer: [] };
    } else if (current) current.answer.push(line.replace(/^\s*\**a(?:nswer)?\**\s*[:.]\**\s*/i, ''));
    else if (!/^#\s/.test(line)) about.push(line);
  }
  flush();
  return { about: about.join('\n').trim(), entries };
}

const STOP_WORDS = new Set(
  (
    'a an the and or but is are was were be been do does did i you we they he she it me my your our to of in on at for ' +
    'with from by about can could would should will what when where which who how why this that there here please ' +
    'hi hello hey thanks thank just any some have has had get got am not no yes if so as up out want like know tell ' +
    'el la los las un una unos unas y o pero es son de del en con por para que como cuando donde cual quien mi mis tu ' +
    'su sus me te se lo le les al hay hola gracias por favor quiero saber puedo puede tienen tiene'
  ).split(' '),
);

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export class FaqIndex {
  private readonly search: MiniSearch<FaqEntry & { id: number }>;

  constructor(readonly faq: Faq) {
    this.search = new MiniSearch<FaqEntry & { id: number }>({
      fields: ['question', 'answer'],
      storeFields: ['question', 'answer'],
      processTerm: (term) => {
        const t = fold(term);
        return t.length < 2 || STOP_WORDS.has(t) ? null : t.replace(/(?<=\w{3})(s|es)$/, '');
      },
      searchOptions: { boost: { question: 3 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
    });
    this.search.addAll(faq.entries.map((e, id) => ({ ...e, id })));
  }

  /**
   * The best answer to `query`, or undefined when nothing fits well enough: at least half of the question's
   * meaningful words (and at least one) must match the entry.
   */
  answer(query: string): FaqEntry | undefined {
    if (this.faq.entries.length === 0) return undefined;
    const terms = new Set(
      fold(query)
        .split(/[^\p{L}\p{N}]+/u)
        .filter((t) => t.length >= 2 && !STOP_WORDS.has(t)),
    );
    if (terms.size === 0) return undefined;
    const [best] = this.search.search(query);
    if (!best) return undefined;
    const matchedQueryTerms = new Set(best.queryTerms).size;
    if (matchedQueryTerms < Math.max(1, Math.ceil(terms.size / 3)) || best.score < 1) return undefined;
    return { question: best['question'] as string, answer: best['answer'] as string };
  }
}
