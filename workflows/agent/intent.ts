// What a customer's message wants, by phrasing (English and Spanish): a human, a greeting, or signs of frustration.
// Deliberately conservative: a false "wants a human" costs an agent's time, a missed one is caught by the AI's
// fallback offer. Pure.
import { fold } from './extraction/spelled.ts';

const PERSON =
  '(human|humans|person|people|someone|somebody|real person|real human|agent|advisor|adviser|representative|rep|operator|staff|member of staff|manager|supervisor|customer service|customer services|customer support|support team|support|colleague|employee|live chat|live agent|team)';
const PERSONA =
  '(persona|humano|humana|alguien|agente|asesor|asesora|operador|operadora|representante|encargado|encargada|gerente|responsable|empleado|empleada|atencion al cliente|servicio al cliente|soporte|comercial)';

const WANTS_HUMAN: RegExp[] = [
  // verbs that ask to be put in touch with a person
  new RegExp(
    `\\b(speak|talk|chat|connect|transfer|put|pass|get|give|escalate|switch|forward|hand)\\b[^.?!]{0,30}\\b(to|with|me|through|over)?\\b[^.?!]{0,20}\\b${PERSON}\\b`,
  ),
  new RegExp(
    `\\b(need|want|would like|like|prefer|request|looking for)\\b[^.?!]{0,20}\\b(a |an |the |some |real )?${PERSON}\\b`,
  ),
  new RegExp(
    `\\b(is there|are there|is anyone|anyone|any)\\b[^.?!]{0,30}\\b(human|real person|person|agent|people)\\b`,
  ),
  /\b(are you|is this)\b[^.?!]{0,10}\b(a )?(bot|robot|real|human|machine|ai)\b[^.?!]{0,40}\b(person|human|someone|somebody)\b/,
  /\bcall me back\b/,
  /\b(is )?(anybody|anyone|somebody|someone) (there|here|around|real|alive)\b/,
  /\b(escalate|escalar|escalalo)\b/,
  // Spanish
  new RegExp(
    `\\b(hablar|habla|comunicar|comunicarme|pasar|pasame|pasarme|pasas|pasa|ponerme|ponme|pones|contactar|contacto|atienda|atender)\\b[^.?!]{0,30}\\b${PERSONA}\\b`,
  ),
  new RegExp(`\\b(quiero|quisiera|necesito|prefiero|podria|puedo|me gustaria)\\b[^.?!]{0,25}\\b${PERSONA}\\b`),
  /\b(hay|esta)\b[^.?!]{0,15}\b(alguien|una persona|algun agente)\b/,
];

/** "not a bot", "no quiero hablar con un robot": checked before NEGATED */
const NOT_A_BOT = [
  /\b(not|no more|stop|enough|don'?t want)\b[^.?!]{0,20}\b(bot|robot|machine|ai|computer|automated)\b/,
  /\bno (quiero|me sirve)\b[^.?!]{0,20}\b(bot|robot|maquina|contestador)\b/,
];

/** a whole short message that is only a request: "human please", "agent!", "representative", "persona por favor" */
const SHORT_REQUEST = new RegExp(
  `^\\W*(a |an |the |un |una )?(${PERSON.slice(1, -1)}|${PERSONA.slice(1, -1)})( please| pls| plz| now| por favor| ya)?\\W*$`,
);

/** "I don't need a person", "no need for an agent": the opposite */
const NEGATED = /\b(don'?t|do not|no|never|not)\b[^.?!]{0,10}\b(need|want|necesito|quiero|hace falta)\b|\bno need\b/;

export function wantsHuman(message: string): boolean {
  const t = fold(message).replace(/\s+/g, ' ').trim();
  if (SHORT_REQUEST.test(t) || NOT_A_BOT.some((re) => re.test(t))) return true;
  if (NEGATED.test(t)) return false;
  return WANTS_HUMAN.some((re) => re.test(t));
}

const GREETING =
  /^\W*(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings|hola|buenas|buenos dias|buenas tardes|buenas noches|saludos|hey there|hi there)\b[\s\W]*(there|all|team|everyone|guys)?[\s\W]*$/;

/** a message that is only a greeting */
export const isGreeting = (message: string) => GREETING.test(fold(message).trim());

/** a message that starts with a greeting (the rest may be a question) */
export const startsWithGreeting = (message: string) =>
  /^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|buenas|buenos dias)\b/.test(fold(message).trim());

const FRUSTRATED =
  /\b(useless|ridiculous|pointless|stupid|rubbish|waste of time|not helping|not helpful|doesn'?t help|unacceptable|fed up|sick of|annoyed|angry|furious|terrible|awful|complaint|no sirve|inutil|ridiculo|estoy harto|harta|vergonzoso|queja|reclamacion|no me ayuda)\b/;

/** signs that the customer is frustrated: the AI hands over rather than keep trying */
export const isFrustrated = (message: string) => FRUSTRATED.test(fold(message));

const SPANISH_WORDS =
  /\b(hola|gracias|quiero|necesito|puedo|donde|cuando|cuanto|como|horario|precio|tienen|tienda|por favor|buenos|buenas|hablar|persona|que|el|los|las|una|mi|es|esta|estoy|usted|vosotros)\b/g;
const ENGLISH_WORDS =
  /\b(hello|thanks|want|need|can|where|when|how|much|price|have|shop|please|good|talk|person|what|the|is|my|are|you|i|do|does)\b/g;

/** 'es' or 'en': the locale when the channel tells it, otherwise the message's words */
export function language(message: string, locale?: string): 'en' | 'es' {
  if (locale) return locale.toLowerCase().startsWith('es') ? 'es' : 'en';
  const t = fold(message);
  const es = t.match(SPANISH_WORDS)?.length ?? 0;
  const en = t.match(ENGLISH_WORDS)?.length ?? 0;
  return es > en || /[¿¡ñ]/.test(message) ? 'es' : 'en';
}
