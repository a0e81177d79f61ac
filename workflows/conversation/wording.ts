// What Baton says to customers on its own (the AI agent words its own answers), in English and Spanish —
// the languages the offline agent reads.
export type Lang = 'en' | 'es';

export interface Wording {
  agentJoined: string;
  closedByAgent: string;
  /** `askName`: a guest, whose name is not known, is asked for it too (optional to answer) */
  askDetails(knownPhone: string | null, askName?: boolean): string;
  reask(problems: string[]): string;
  missingEmail: string;
  missingPhone: string;
  invalid(field: 'email' | 'phone', raw: string, reason: string): string;
  ambiguous(field: 'email' | 'phone', options: string[]): string;
  refused(field: 'email' | 'phone'): string;
  /** what is saved, read back with an invitation to correct it */
  readBack(email: string | null, phone: string | null, name?: string | null): string;
  declined: string;
  noDetails: string;
  saveFailed: string;
  alreadyQueued: string;
}

const en: Wording = {
  agentJoined: 'You are now chatting with a member of our team.',
  closedByAgent: 'This conversation has been closed. Write again any time and we will pick it up.',
  askDetails(knownPhone, askName) {
    const name = askName ? ' And your name, if you like.' : '';
    if (knownPhone)
      return `Sorry, nobody from our team is free right now. So that we can get back to you, could you tell me your email address? We would reach you on ${knownPhone} — if another number is better, tell me that too.${name}`;
    return `Sorry, nobody from our team is free right now. So that we can get back to you, could you tell me your email address and phone number?${name}`;
  },
  reask: (problems) => problems.join(' '),
  missingEmail: 'Could you tell me your email address?',
  missingPhone: 'Could you tell me your phone number?',
  invalid(field, raw, reason) {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `"${raw}" does not look like a valid ${what} (${reason}). Could you check it?`;
  },
  ambiguous(field, options) {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `I found more than one ${what}: ${options.join(' or ')}. Which one should we use?`;
  },
  refused(field) {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `Sorry, I can't save that ${what}: it is already used by someone else here. Could you give me another one?`;
  },
  readBack(email, phone, name) {
    const parts = [name ? `name ${name}` : null, email ? `email ${email}` : null, phone ? `phone ${phone}` : null];
    const list = parts.filter(Boolean) as string[];
    const said = list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1)}` : list[0];
    return `Thank you! I have saved your ${said}. Is that right? If not, just tell me what to change. Someone from our team will reply here.`;
  },
  declined: 'No problem. Thank you — this chat stays open, and someone from our team will reply here.',
  noDetails: 'Thank you. This chat stays open, and someone from our team will reply here as soon as possible.',
  saveFailed:
    'Sorry, I could not save your details just now. This chat stays open, and someone from our team will reply here.',
  alreadyQueued: 'Thanks, someone from the team will reply here as soon as possible.',
};

const es: Wording = {
  agentJoined: 'Ahora estás hablando con una persona de nuestro equipo.',
  closedByAgent: 'Hemos cerrado esta conversación. Escríbenos cuando quieras y la retomaremos.',
  askDetails(knownPhone, askName) {
    const name = askName ? ' Y tu nombre, si quieres.' : '';
    if (knownPhone)
      return `Lo siento, ahora mismo no hay nadie del equipo disponible. Para que podamos contactarte, ¿me dices tu correo electrónico? Te contactaríamos en el ${knownPhone}; si prefieres otro número, dímelo también.${name}`;
    return `Lo siento, ahora mismo no hay nadie del equipo disponible. Para que podamos contactarte, ¿me dices tu correo electrónico y tu número de teléfono?${name}`;
  },
  reask: (problems) => problems.join(' '),
  missingEmail: '¿Me dices tu correo electrónico?',
  missingPhone: '¿Me dices tu número de teléfono?',
  invalid(field, raw, reason) {
    const what = field === 'email' ? 'correo electrónico' : 'número de teléfono';
    return `"${raw}" no parece un ${what} válido (${reason}). ¿Puedes revisarlo?`;
  },
  ambiguous(field, options) {
    const what = field === 'email' ? 'correo electrónico' : 'número de teléfono';
    return `He encontrado más de un ${what}: ${options.join(' o ')}. ¿Cuál usamos?`;
  },
  refused(field) {
    const what = field === 'email' ? 'correo electrónico' : 'número de teléfono';
    return `Lo siento, no puedo guardar ese ${what}: ya lo usa otra persona aquí. ¿Me das otro?`;
  },
  readBack(email, phone, name) {
    const parts = [
      name ? `nombre ${name}` : null,
      email ? `correo ${email}` : null,
      phone ? `teléfono ${phone}` : null,
    ];
    const list = parts.filter(Boolean) as string[];
    const said = list.length > 1 ? `${list.slice(0, -1).join(', tu ')} y tu ${list.at(-1)}` : list[0];
    return `¡Gracias! He guardado tu ${said}. ¿Es correcto? Si no, dime qué cambio. Alguien de nuestro equipo te responderá aquí.`;
  },
  declined: 'No pasa nada. Gracias: este chat sigue abierto y alguien de nuestro equipo te responderá aquí.',
  noDetails: 'Gracias. Este chat sigue abierto y alguien de nuestro equipo te responderá aquí lo antes posible.',
  saveFailed:
    'Lo siento, ahora mismo no he podido guardar tus datos. Este chat sigue abierto y alguien de nuestro equipo te responderá aquí.',
  alreadyQueued: 'Gracias, alguien del equipo te responderá aquí lo antes posible.',
};

export const wordingFor = (lang: Lang): Wording => (lang === 'es' ? es : en);

/** English, the default */
export const wording = en;
