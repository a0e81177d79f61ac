// What Baton says to customers on its own (the AI agent words its own answers). English only, for now.

export const wording = {
  agentJoined: 'You are now chatting with a member of our team.',
  askDetails(knownPhone: string | null): string {
    if (knownPhone)
      return `Sorry, nobody from our team is free right now. So that we can get back to you, could you tell me your email address? We would reach you on ${knownPhone} — if another number is better, tell me that too.`;
    return 'Sorry, nobody from our team is free right now. So that we can get back to you, could you tell me your email address and phone number?';
  },
  reask(problems: string[]): string {
    return `${problems.join(' ')}`;
  },
  missingEmail: 'Could you tell me your email address?',
  missingPhone: 'Could you tell me your phone number?',
  invalid(field: 'email' | 'phone', raw: string, reason: string): string {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `"${raw}" does not look like a valid ${what} (${reason}). Could you check it?`;
  },
  ambiguous(field: 'email' | 'phone', options: string[]): string {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `I found more than one ${what}: ${options.join(' or ')}. Which one should we use?`;
  },
  refused(field: 'email' | 'phone'): string {
    const what = field === 'email' ? 'email address' : 'phone number';
    return `Sorry, I can't save that ${what}: it is already used by someone else here. Could you give me another one?`;
  },
  readBack(email: string | null, phone: string | null): string {
    const parts = [email ? `email ${email}` : null, phone ? `phone ${phone}` : null].filter(Boolean);
    return `Thank you! I have saved your ${parts.join(' and ')}. Someone from our team will get back to you.`;
  },
  declined: 'No problem. Thank you — this chat stays open, and someone from our team will reply here.',
  noDetails: 'Thank you. This chat stays open, and someone from our team will reply here as soon as possible.',
  saveFailed:
    'Sorry, I could not save your details just now. This chat stays open, and someone from our team will reply here.',
  alreadyQueued: 'You are in our queue: someone from our team will get back to you as soon as possible.',
} as const;
