// Word lists (English and Spanish) that tell what a detail in a customer's reply is. Pure data and tiny predicates.
// Text given to these is already folded: lower-case, accents removed (see fold() in spelled.ts).

/** the detail is a mobile number */
export const MOBILE = /\b(mobile|mob|cell|cellphone|cell phone|cellular|movil|celular|whatsapp|wasap)\b/;
/** the detail is a home or landline number */
export const HOME = /\b(home|landline|land line|house|casa|fijo|fixed line|domicilio)\b/;
/** the detail is a work number or email */
export const WORK = /\b(work|office|trabajo|oficina|curro|desk)\b/;
/** the detail belongs to someone else (or is only to be copied) */
export const OTHER_PERSON =
  /\b(wife|husband|partner|son|daughter|mum|mom|mother|dad|father|brother|sister|boss|colleague|friend|girlfriend|boyfriend|assistant|secretary|neighbou?r|esposa|esposo|mujer|marido|hijo|hija|madre|padre|mama|papa|hermano|hermana|jefe|jefa|pareja|novia|novio|companer[oa]|vecin[oa]|amig[oa]|cc|copy|copia|also send|tambien a)('?s)?\b/;
/** the detail is the customer's own (wins over another person's) */
export const OWN = /\b(mine|my own|personal|private|mio|mia|el mio|la mia)\b/;
/** the detail is no longer in use */
export const OLD =
  /\b(old|older|previous|former|used to|no longer|don'?t use|do not use|not using|stopped using|defunct|outdated|antigu[oa]|viej[oa]|anterior|ya no)\b/;
/** the detail is the one to use now */
export const NEW = /\b(new|newer|current|now|latest|nuev[oa]|actual|ahora|usa|use)\b/;
/** a negation right before the detail: "use X, not Y" */
export const NEGATED_BEFORE = /(?:^|\s)(not|instead of|rather than|en vez de|en lugar de|no)\s*:?\s*$/;
/** a negation right after: "X is wrong", "X no" */
export const NEGATED_AFTER =
  /^\s*(is wrong|is not right|isn'?t right|no longer|es incorrecto|no es correcto|no vale)\b/;
/** the business's own number or address, quoted back */
export const BUSINESS =
  /\b(your (number|phone|line|shop|store|office|website|site|email|address|team)|you (called|rang|phoned|texted|emailed) me|from you|missed call from|called me from|vuestro|vuestra|su numero|su telefono|me llamaron|llamada perdida|on your|that'?s yours|that is yours|es vuestro|es el vuestro|es suyo)\b/;
/** a number that is not a phone: order, booking, account, … */
export const NOT_A_PHONE =
  /(\b(order|booking|reservation|ref|reference|account|acct|invoice|ticket|tracking|case|customer (id|no|number)|member(ship)?|policy|confirmation|parcel|pedido|reserva|referencia|cuenta|factura|localizador|expediente|envio|post ?code|zip|codigo postal|cp|dni|nie|nif|passport|pasaporte|card|tarjeta|iban|sort code|serial|model|id)\b|#|\bn(?:o\.|[°º]))[^a-z]*([a-z]+[^a-z]*){0,3}$/;
/** words that make the following number a phone, when they come after a NOT_A_PHONE word */
export const PHONE_WORD =
  /\b(phone|mobile|cell|tel|telephone|number is|call me|ring me|text me|reach me|contact|movil|telefono|llamame|llamar|whatsapp)\b/;
/** the customer corrects what they just wrote */
export const CORRECTION =
  /\b(sorry|i mean|i meant|meant to say|make that|should be|should have been|correction|actually|no wait|wait|oops|whoops|typo|scratch that|ignore (that|the first|the last)|wrong|my bad|perdon|perdona|quise decir|quiero decir|mejor dicho|me equivoque|corrijo|digo|error|fallo)\b/;
/** the customer refuses to give details, however worded (English and Spanish) */
const REFUSALS = [
  // English
  "no,? thanks?|no,? thank you|no thx|nah|nope|no way|not a chance|no chance|rather not|prefer not|i'?d prefer not",
  "(don'?t|do not) (want|wish|like) to (give|share|say|tell|provide|hand|leave|send)",
  "(don'?t|do not|never) give (out|away)|(don'?t|do not) (share|hand out)",
  "not comfortable|uncomfortable|not giving|won'?t (give|share|say|tell)|will not (give|share|say|tell)",
  'not (going|gonna) to (give|share|say|tell)|not (sharing|telling|saying)|not happening',
  "(you )?(don'?t|do not) need (my|that|it|them|those|to know)|(why|what) do you need (that|it|my \\w+) for",
  "prefer(red)? (you )?(didn'?t|did not|don'?t|do not) (have|get|keep|store|save)",
  '(rather|prefer to) keep (that|it|this|them|those|my [a-z ]{1,20}) (private|to myself|personal)',
  "keep (that|it|them) (private|to myself)|that'?s private|it'?s private|mind your own",
  "i'?ll pass|pass on (that|this|it)|skip (that|this|it|the \\w+)",
  "no need|don'?t contact me|do not contact me|leave it|forget it|none of your business",
  "not (right )?now|maybe later|no phone|no calls|don'?t call me|do not call me|email only|only by email|just email",
  "do not store|don'?t store|don'?t keep|don'?t save|do not save",
  // Spanish
  'no,? gracias|prefiero no|preferiria no|mejor no|paso|no hace falta|no me contacten|ni hablar|ni de broma',
  'ni loc[oa]|de ninguna manera|de momento no|no,? prefiero|ahora no|no me apetece|olvidalo|dejalo',
  'no quiero (dar|darte|daros|darle|decir|decirte|compartir|que me llam\\w*)',
  'no me llam\\w*|nada de llamadas|solo (por )?(correo|email)',
  'no (te |os |se |le |les )?(lo |la |los |las )?(doy|damos|voy a dar|vamos a dar|pienso dar|voy a decir)',
  'prefiero no darl[oa]|no (lo )?guard\\w*|(eso |es |son )(privad[oa]s?|personal(es)?)|no es asunto',
];
export const DECLINED = new RegExp(`\\b(?:${REFUSALS.map((group) => `(?:${group})`).join('|')})\\b`);
/** a refusal of the name only ("I'm not giving you my name"): not a refusal of the details */
export const NAME_REFUSED =
  /\b(not giving|won'?t give|will not give|rather not (give|say|tell)|prefer not to (give|say|tell)|no (te |os )?(doy|digo)) (you )?(my |mi )?(name|nombre)\b/;
/** a whole message that only says no */
export const BARE_NO = /^\s*(no|nope|nah|no\.|no!)\s*[.!]*\s*$/;
/** a whole message that only refuses: "skip", "no quiero" */
export const BARE_REFUSAL = /^\W*(no,? )?(skip( it| that| this)?|no quiero|paso)\W*$/;
/** the customer confirms the phone number they are writing from (WhatsApp) */
export const CONFIRM =
  /\b(yes|yeah|yep|yup|ya|correct|that'?s right|that is right|right|that'?s it|that'?s the one|exactly|same|same number|this number|this one|that one|that'?s my number|that is my number|use this|this whatsapp|the one i'?m (writing|messaging|texting) from|si|correcto|exacto|eso es|ese mismo|este mismo|es correcto|afirmativo|ese es|este numero|mismo numero|el mismo)\b/;
/** … unless the message says it is not right */
export const DENY =
  /\b(not right|isn'?t right|not correct|incorrect|wrong|not mine|not my number|no es|incorrecto|equivocado)\b/;
/** the customer takes a correction back ("no, the first one was right"): then nothing is dropped as corrected */
export const REVERT =
  /\b(first one|the first|the other one|original|el primero|la primera|el otro|la otra)\b[^.!?]{0,20}\b(right|correct|fine|ok|good|correct[oa]|bien|vale|buen[oa])\b|\bignore (that|the last|the second|my correction)\b/;
