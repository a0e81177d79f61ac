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

// question words that tell the topic (where, when, how much/long, dónde, cuándo, cuánto) are kept
const STOP_WORDS = new Set(
  (
    'a an the and or but is are was were be been do does did i you we they he she it me my your our to of in on at for ' +
    'with from by about can could would should will what which who how why this that there here please ' +
    'hi hello hey thanks thank just any some have has had get got am not no yes if so as up out want like know tell ' +
    'el la los las un una unos unas y o pero es son de del en con por para que como cual quien mi mis tu ' +
    'su sus me te se lo le les al hay hola gracias por favor quiero saber puedo puede tienen tiene'
  ).split(' '),
);

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Words whose terms are remembered (the same words come back in every question), and the longest one kept. */
const TERMS = 10_000;
const TERM_WORD_MAX = 40;
const termsOfWords = new Map<string, string | null>();

/** a word as the index sees it: folded, stop words dropped, a plural "s"/"es" cut */
function termOf(word: string): string | null {
  const known = termsOfWords.get(word);
  if (known !== undefined) return known;
  const t = fold(word);
  const term = t.length < 2 || STOP_WORDS.has(t) ? null : t.replace(/(?<=\w{3})(s|es)$/, '');
  if (word.length <= TERM_WORD_MAX) {
    if (termsOfWords.size >= TERMS) termsOfWords.delete(termsOfWords.keys().next().value as string);
    termsOfWords.set(word, term);
  }
  return term;
}

const words = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** MiniSearch's tokenizer, which the index uses (none of its own is given) and so does its search of a query. */
const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** Queries whose answers an index remembers (the oldest forgotten beyond), and the longest key it keeps. */
const ANSWERS = 1_000;
const ANSWER_KEY_MAX = 1_000;

export class FaqIndex {
  private readonly search: MiniSearch<FaqEntry & { id: number }>;
  /** in how many entries (and the about text) each term occurs */
  private readonly df = new Map<string, number>();
  /**
   * The answers found, by what the search sees of the query (the key in `answer`): the FAQ never changes in an
   * index and an answer depends on nothing else, so "Opening hours?" and "opening hours" share one. Bounded in
   * entries and key length.
   */
  private readonly answers = new Map<string, FaqEntry | null>();

  constructor(readonly faq: Faq) {
    this.search = new MiniSearch<FaqEntry & { id: number }>({
      fields: ['question', 'answer'],
      storeFields: ['question', 'answer'],
      processTerm: termOf,
      searchOptions: { boost: { question: 3 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
    });
    this.search.addAll(faq.entries.map((e, id) => ({ ...e, id })));
    const docs = [faq.about, ...faq.entries.map((e) => `${e.question} ${e.answer}`)];
    for (const doc of docs) {
      for (const t of new Set(words(doc).map(termOf))) if (t) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  /** a word found all over the FAQ ("bike" at a bike shop) is no evidence of what a question is about */
  private isCommon(term: string): boolean {
    const n = this.df.get(term) ?? 0;
    return n >= 2 && n / (this.faq.entries.length + 1) > 0.3;
  }

  /**
   * The best answer to `query`, or undefined when nothing fits well enough: the entry must share with the question
   * at least one word that is not common across the FAQ, and a third of the question's meaningful words.
   */
  answer(query: string): FaqEntry | undefined {
    if (this.faq.entries.length === 0) return undefined;
    const terms = new Set(
      words(query)
        .map(termOf)
        .filter((t): t is string => t !== null),
    );
    if (terms.size === 0) return undefined;
    // what the search sees of the query: its terms as the index makes them (MiniSearch: its tokenizer, then
    // processTerm), given to it as they are, so that the answer depends on the key alone
    const searched = tokenize(query)
      .map(termOf)
      .filter((t): t is string => !!t);
    const key = `${terms.size} ${JSON.stringify(searched)}`;
    const known = this.answers.get(key);
    if (known !== undefined) return known ? { ...known } : undefined;
    const found = this.find(searched, terms.size);
    if (key.length <= ANSWER_KEY_MAX) {
      this.answers.set(key, found ?? null);
      if (this.answers.size > ANSWERS) this.answers.delete(this.answers.keys().next().value as string);
    }
    return found && { ...found };
  }

  private find(searched: string[], meaningful: number): FaqEntry | undefined {
    const results = this.search.search(searched.join(' '), { tokenize: () => searched, processTerm: (t) => t });
    for (const result of results.slice(0, 3)) {
      const evidence = result.terms.filter((t) => !this.isCommon(t));
      if (evidence.length === 0) continue;
      if (new Set(result.queryTerms).size < Math.ceil(meaningful / 3) || result.score < 1) continue;
      return { question: result['question'] as string, answer: result['answer'] as string };
    }
    return undefined;
  }
}
