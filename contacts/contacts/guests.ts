// Pseudonyms for webchat guests: "Guest Amber Falcon", amber-falcon-x7k2q9@guest.baton.invalid. Pure.
import { randomBytes, randomInt } from 'node:crypto';
import { GUEST_EMAIL_DOMAIN } from '../shared/email.ts';

const ADJECTIVES = [
  'Amber',
  'Azure',
  'Bold',
  'Brave',
  'Bright',
  'Calm',
  'Clever',
  'Coral',
  'Crimson',
  'Daring',
  'Eager',
  'Gentle',
  'Golden',
  'Happy',
  'Indigo',
  'Jade',
  'Jolly',
  'Kind',
  'Lively',
  'Lucky',
  'Mellow',
  'Misty',
  'Noble',
  'Olive',
  'Quiet',
  'Rapid',
  'Rosy',
  'Silver',
  'Sunny',
  'Swift',
  'Teal',
  'Witty',
];
const ANIMALS = [
  'Badger',
  'Bear',
  'Beaver',
  'Crane',
  'Dolphin',
  'Eagle',
  'Falcon',
  'Fox',
  'Gecko',
  'Heron',
  'Ibis',
  'Koala',
  'Lark',
  'Lynx',
  'Marten',
  'Newt',
  'Otter',
  'Owl',
  'Panda',
  'Puffin',
  'Raven',
  'Robin',
  'Seal',
  'Sparrow',
  'Swan',
  'Tiger',
  'Toucan',
  'Turtle',
  'Walrus',
  'Whale',
  'Wolf',
  'Wren',
];

export interface GuestPseudonym {
  firstName: string;
  lastName: string;
  email: string;
}

/** A fresh pseudonym. The email's random suffix (30 bits) keeps it unique; its domain can never be a real one. */
export function guestPseudonym(): GuestPseudonym {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)]!;
  const animal = ANIMALS[randomInt(ANIMALS.length)]!;
  const suffix = randomBytes(5).toString('hex');
  return {
    firstName: 'Guest',
    lastName: `${adjective} ${animal}`,
    email: `${adjective}-${animal}-${suffix}@${GUEST_EMAIL_DOMAIN}`.toLowerCase(),
  };
}

/** "Jane Mary Smith" → first "Jane", last "Mary Smith"; "Cher" → first "Cher", last "". */
export function splitProfileName(name: string | undefined): { firstName: string; lastName: string } | undefined {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return undefined;
  return { firstName: parts[0]!.slice(0, 100), lastName: parts.slice(1).join(' ').slice(0, 100) };
}
