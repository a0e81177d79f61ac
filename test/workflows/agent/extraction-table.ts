// Real-looking replies to "could you give me your email and phone number?", with what a careful person would save.
// expected: a value (must be found), null (nothing may be found), 'invalid', or { ambiguous } (must be asked).
import type { ExtractionContext } from '../../../workflows/agent/index.ts';

export type Expected = string | null | 'invalid' | { ambiguous: string[] };

export interface Row {
  kind: string;
  say: string;
  ctx?: Partial<ExtractionContext>;
  email: Expected;
  phone: Expected;
  declined?: boolean;
}

const GB = '+447911123456';
const M2 = '+447825123456';

export const TABLE: Row[] = [
  // plain
  { kind: 'plain', say: "sure, it's jane.doe@example.com and 07911 123456", email: 'jane.doe@example.com', phone: GB },
  { kind: 'plain', say: 'Jane.Doe@Example.COM', email: 'jane.doe@example.com', phone: null },
  { kind: 'plain', say: 'you can reach me on 07825 123456', email: null, phone: M2 },
  {
    kind: 'plain',
    say: 'email: tom_h+orders@outlook.com, tel. +44 7400 123456',
    email: 'tom_h+orders@outlook.com',
    phone: '+447400123456',
  },
  { kind: 'plain', say: 'My number is 0161 496 0000', email: null, phone: '+441614960000' },
  { kind: 'plain', say: '0044 7911 123456 and mark@fastmail.fm', email: 'mark@fastmail.fm', phone: GB },
  { kind: 'plain', say: 'email is JOHN.SMITH@GMAIL.COM.', email: 'john.smith@gmail.com', phone: null },
  { kind: 'plain', say: 'call me on 07911 123 456 after 5pm or email tina@me.com', email: 'tina@me.com', phone: GB },
  // corrections
  { kind: 'correction', say: '07911 111222, sorry, I mean 07911 111223', email: null, phone: '+447911111223' },
  { kind: 'correction', say: '07911 111222 sorry the end is 223', email: null, phone: '+447911111223' },
  { kind: 'correction', say: 'jon@gmail.com oops I meant john@gmail.com', email: 'john@gmail.com', phone: null },
  { kind: 'correction', say: "it's 07825 123456... no wait, 07825 123465", email: null, phone: '+447825123465' },
  {
    kind: 'correction',
    say: 'perdón, quise decir 612 345 679, no 612 345 678',
    ctx: { country: 'ES' },
    email: null,
    phone: '+34612345679',
  },
  {
    kind: 'correction',
    say: "my email is sara.k@gmail.co, actually it's sara.k@gmail.com",
    email: 'sara.k@gmail.com',
    phone: null,
  },
  { kind: 'correction', say: 'tel 07400 123465 - typo, 07400 123456', email: null, phone: '+447400123456' },
  // several numbers: prefer the mobile
  { kind: 'home+mobile', say: 'home is 0161 496 0000 and mobile 07400 123456', email: null, phone: '+447400123456' },
  { kind: 'home+mobile', say: 'mobile: 07123 456789 / landline: 020 7946 0958', email: null, phone: '+447123456789' },
  { kind: 'home+mobile', say: '0113 496 0000 (home) or 07456 789012 (mobile)', email: null, phone: '+447456789012' },
  {
    kind: 'home+mobile',
    say: 'my work mobile is 07400 123456 and my personal one is 07825 123456',
    email: null,
    phone: M2,
  },
  { kind: 'home+mobile', say: 'office 020 7946 0958 extension 4410, or mobile 07825 123456', email: null, phone: M2 },
  {
    kind: 'home+mobile',
    say: 'mi teléfono fijo es 91 123 45 67 y el móvil 699 123 456',
    ctx: { country: 'ES' },
    email: null,
    phone: '+34699123456',
  },
  {
    kind: 'home+mobile',
    say: 'home (201) 555-0123, cell (201) 555-0199',
    ctx: { country: 'US' },
    email: null,
    phone: '+12015550199',
  },
  // the business's own number quoted back
  {
    kind: 'business number',
    say: 'I tried calling you on 0161 496 0018 but no answer. Mine is 07911 123456',
    ctx: { excludePhones: ['+441614960018'] },
    email: null,
    phone: GB,
  },
  {
    kind: 'business number',
    say: "your number 020 7946 0000 didn't work, call me on 07825 123456",
    email: null,
    phone: M2,
  },
  {
    kind: 'business number',
    say: "You can call 0800 123 4567? no that's yours lol. Mine: 07123 456789",
    email: null,
    phone: '+447123456789',
  },
  {
    kind: 'business number',
    say: 'I got a missed call from 0161 496 0018',
    ctx: { excludePhones: ['01614960018'] },
    email: null,
    phone: null,
  },
  {
    kind: 'business email',
    say: 'I wrote to hello@acme-shop.co.uk already, my email is bea@gmail.com',
    ctx: { excludeEmails: ['hello@acme-shop.co.uk'] },
    email: 'bea@gmail.com',
    phone: null,
  },
  // order, booking, account numbers; dates, prices, postcodes, times
  { kind: 'not a phone', say: 'order number 12345678, my phone 07911 123456', email: null, phone: GB },
  { kind: 'not a phone', say: 'booking ref 4829 1734 55, mobile 07400 123456', email: null, phone: '+447400123456' },
  { kind: 'not a phone', say: 'account no. 01614960000', email: null, phone: null },
  { kind: 'not a phone', say: 'I ordered on 12/03/2024 for £45.99, call me 07825 123456', email: null, phone: M2 },
  { kind: 'not a phone', say: 'postcode M1 1AE, phone 0161 496 0000', email: null, phone: '+441614960000' },
  {
    kind: 'not a phone',
    say: 'Order #100234567. You can text me at 07456 789012',
    email: null,
    phone: '+447456789012',
  },
  { kind: 'not a phone', say: 'delivery at 10:30 please, 07911 123456', email: null, phone: GB },
  {
    kind: 'not a phone',
    say: 'mi pedido es el 612345678 y mi móvil 699 123 456',
    ctx: { country: 'ES' },
    email: null,
    phone: '+34699123456',
  },
  { kind: 'not a phone', say: 'paid 1,250.00 pounds on 2024-05-01, reservation 07911123456', email: null, phone: null },
  // an old and a new email
  {
    kind: 'old/new email',
    say: 'my old one was jo@hotmail.com, use jo.bloggs@gmail.com',
    email: 'jo.bloggs@gmail.com',
    phone: null,
  },
  {
    kind: 'old/new email',
    say: 'please use pete@newco.io now, pete@oldco.com is no longer active',
    email: 'pete@newco.io',
    phone: null,
  },
  {
    kind: 'old/new email',
    say: "Not jo@aol.com any more – it's jo.smith@proton.me",
    email: 'jo.smith@proton.me',
    phone: null,
  },
  {
    kind: 'old/new email',
    say: 'mi correo antiguo era luis@yahoo.es, el nuevo es luis.g@gmail.com',
    email: 'luis.g@gmail.com',
    phone: null,
  },
  { kind: 'old/new phone', say: "my old number was 07911 123456 but it's 07825 123456 now", email: null, phone: M2 },
  // someone else's email or phone beside their own
  { kind: 'someone else', say: 'jo@gmail.com and cc my wife ana@gmail.com', email: 'jo@gmail.com', phone: null },
  {
    kind: 'someone else',
    say: "my husband's email is dave@btinternet.com but mine is sue@btinternet.com",
    email: 'sue@btinternet.com',
    phone: null,
  },
  { kind: 'someone else', say: 'send it to my daughter kim@icloud.com', email: null, phone: null },
  {
    kind: 'someone else',
    say: 'mi email es carmen@gmail.com, y pon en copia a mi marido paco@gmail.com',
    email: 'carmen@gmail.com',
    phone: null,
  },
  { kind: 'someone else', say: "use 07911 123456, my son's is 07825 123456", email: null, phone: GB },
  { kind: 'someone else', say: "my number's 07911 123456 and my wife's is 07825 123456", email: null, phone: GB },
  // spelled-out emails
  { kind: 'spelled email', say: 'jo dot bloggs at gmail dot com', email: 'jo.bloggs@gmail.com', phone: null },
  { kind: 'spelled email', say: 'jo[at]gmail(dot)com', email: 'jo@gmail.com', phone: null },
  { kind: 'spelled email', say: 'anna (at) example (dot) org', email: 'anna@example.org', phone: null },
  { kind: 'spelled email', say: 'sam underscore lee at outlook dot com', email: 'sam_lee@outlook.com', phone: null },
  { kind: 'spelled email', say: 'maria.lopez arroba gmail punto com', email: 'maria.lopez@gmail.com', phone: null },
  { kind: 'spelled email', say: 'j.smith @ yahoo.co.uk', email: 'j.smith@yahoo.co.uk', phone: null },
  {
    kind: 'spelled email',
    say: "I'm at home all day, write to ray at ray-consulting dot co dot uk",
    email: 'ray@ray-consulting.co.uk',
    phone: null,
  },
  // digits as words, odd spacing and punctuation
  { kind: 'digit words', say: 'oh seven nine one one, one two three four five six', email: null, phone: GB },
  { kind: 'odd spacing', say: '0 7 9 1 1 1 2 3 4 5 6', email: null, phone: GB },
  { kind: 'odd spacing', say: '07911-123-456', email: null, phone: GB },
  { kind: 'odd spacing', say: '(0161) 496.0000', email: null, phone: '+441614960000' },
  {
    kind: 'digit words',
    say: 'oh seven four double oh one two three four five six',
    email: null,
    phone: '+447400123456',
  },
  { kind: 'odd spacing', say: '+44 (0) 7911 123 456', email: null, phone: GB },
  {
    kind: 'digit words',
    say: 'seis uno dos tres cuatro cinco seis siete ocho',
    ctx: { country: 'ES' },
    email: null,
    phone: '+34612345678',
  },
  // extensions
  { kind: 'extension', say: '0161 496 0000 ext 12', email: null, phone: '+441614960000' },
  { kind: 'extension', say: '(201) 555-0123 x 45', ctx: { country: 'US' }, email: null, phone: '+12015550123' },
  // other countries, with a hint
  { kind: 'country hint', say: 'prefijo +34, 612 345 678', email: null, phone: '+34612345678' },
  { kind: 'country hint', say: "I'm in Spain at the moment, 612 345 678", email: null, phone: '+34612345678' },
  { kind: 'country hint', say: "it's a French number: 06 12 34 56 78", email: null, phone: '+33612345678' },
  { kind: 'country hint', say: "I'm in Spain but my UK mobile is 07911 123456", email: null, phone: GB },
  { kind: 'country hint', say: '+49 151 23456789', email: null, phone: '+4915123456789' },
  { kind: 'country hint', say: 'my US cell is (415) 555-0132', email: null, phone: '+14155550132' },
  { kind: 'country hint', say: 'phone +1 415 555 0132', email: null, phone: '+14155550132' },
  // Spanish
  {
    kind: 'spanish',
    say: 'Claro, mi correo es ana.garcia@telefonica.es y mi móvil es el 612 345 678',
    ctx: { country: 'ES' },
    email: 'ana.garcia@telefonica.es',
    phone: '+34612345678',
  },
  {
    kind: 'spanish',
    say: 'prefiero no dar mi teléfono, pero mi email es pablo@gmail.com',
    ctx: { country: 'ES' },
    email: 'pablo@gmail.com',
    phone: null,
    declined: true,
  },
  {
    kind: 'spanish',
    say: 'Mi número es el seis nueve nueve, uno dos tres, cuatro cinco seis',
    ctx: { country: 'ES' },
    email: null,
    phone: '+34699123456',
  },
  // declining
  { kind: 'declined', say: 'no thanks', email: null, phone: null, declined: true },
  { kind: 'declined', say: "I'd rather not, thanks", email: null, phone: null, declined: true },
  { kind: 'declined', say: 'prefiero no', email: null, phone: null, declined: true },
  { kind: 'declined', say: 'No.', email: null, phone: null, declined: true },
  { kind: 'declined', say: "I don't want to give my number", email: null, phone: null, declined: true },
  {
    kind: 'declined',
    say: 'no gracias, ya llamaré yo',
    ctx: { country: 'ES' },
    email: null,
    phone: null,
    declined: true,
  },
  // WhatsApp: the phone is known
  {
    kind: 'whatsapp',
    say: "yes that's right, email jo@xmail.com",
    ctx: { knownPhone: GB },
    email: 'jo@xmail.com',
    phone: GB,
  },
  {
    kind: 'whatsapp',
    say: 'sí, es correcto. Mi correo es rosa@gmail.com',
    ctx: { country: 'ES', knownPhone: '+34612345678' },
    email: 'rosa@gmail.com',
    phone: '+34612345678',
  },
  { kind: 'whatsapp', say: 'no, use 07825 123456 instead', ctx: { knownPhone: GB }, email: null, phone: M2 },
  { kind: 'whatsapp', say: 'yes', ctx: { knownPhone: GB }, email: null, phone: GB },
  { kind: 'whatsapp', say: 'no', ctx: { knownPhone: GB }, email: null, phone: null, declined: false },
  {
    kind: 'whatsapp',
    say: "that's not right, it's my work phone. email bob@bobs.biz",
    ctx: { knownPhone: GB },
    email: 'bob@bobs.biz',
    phone: null,
  },
  // invalid
  { kind: 'invalid', say: '07911 12345', email: null, phone: 'invalid' },
  { kind: 'invalid', say: 'jane@gmail', email: 'invalid', phone: null },
  { kind: 'invalid', say: 'it is jo@gmial.com', email: 'invalid', phone: null },
  // two candidates remain: ask
  {
    kind: 'ambiguous',
    say: 'jo@gmail.com or jo@work.co.uk, whichever',
    email: { ambiguous: ['jo@gmail.com', 'jo@work.co.uk'] },
    phone: null,
  },
  { kind: 'ambiguous', say: '07911 123456 or 07825 123456', email: null, phone: { ambiguous: [GB, M2] } },
  // long and chatty
  {
    kind: 'chatty',
    say: "Hi! Sorry for the delay. I'm usually on my mobile 07400 123456 during the day, and my email is k.patel@company.co.uk (work but I check it)",
    email: 'k.patel@company.co.uk',
    phone: '+447400123456',
  },
  { kind: 'chatty', say: 'tel 07911 123456, born 1985, flat 12, 3 kids lol', email: null, phone: GB },
];
