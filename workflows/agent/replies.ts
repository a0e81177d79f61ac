// What the offline agent (and the OpenAI agent's fallbacks) say, in English and Spanish.
export type Lang = 'en' | 'es';

export const replies = {
  greeting: (lang: Lang, business: string) =>
    lang === 'es'
      ? `¡Hola! Bienvenido a ${business}. Soy el asistente virtual: pregúntame lo que quieras, o escribe "persona" para hablar con alguien del equipo.`
      : `Hello! Welcome to ${business}. I'm the virtual assistant: ask me anything, or type "human" to talk to a person from the team.`,
  handoverAsked: (lang: Lang, business: string) =>
    lang === 'es'
      ? `Por supuesto. Estoy buscando a una persona de ${business} para atenderte; quédate en este chat, por favor.`
      : `Of course. I'm finding a person from ${business} to help you; please stay in this chat.`,
  handoverDecided: (lang: Lang) =>
    lang === 'es'
      ? 'Siento no poder ayudarte más. Estoy buscando a una persona del equipo para que siga contigo aquí.'
      : "I'm sorry I couldn't help more. I'm finding a person from the team to take over here.",
  handoverFailed: (lang: Lang) =>
    lang === 'es'
      ? 'Ahora mismo tengo problemas para responder, así que estoy buscando a una persona del equipo para ayudarte.'
      : "I'm having trouble answering right now, so I'm finding a person from the team to help you.",
  /** after the capture: the customer is queued, and a person from the team will reply in this chat */
  awaitingTeam: (lang: Lang) =>
    lang === 'es'
      ? 'Gracias, alguien del equipo te responderá aquí lo antes posible.'
      : 'Thanks, someone from the team will reply here as soon as possible.',
  /** the offer after a question the FAQ cannot answer */
  fallback: (lang: Lang) =>
    lang === 'es'
      ? 'No tengo la respuesta a eso. ¿Quieres que pase tu pregunta a una persona del equipo? Responde "sí" o escribe otra pregunta.'
      : 'I don\'t have the answer to that. Shall I pass your question on to a person from the team? Reply "yes", or ask me something else.',
};

/** every fallback text, to recognise the agent's own offer in the history */
export const FALLBACK_TEXTS = new Set([replies.fallback('en'), replies.fallback('es')]);
